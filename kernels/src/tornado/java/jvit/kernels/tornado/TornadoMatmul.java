package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat16;
import uk.ac.manchester.tornado.api.types.vectors.Float16;

/**
 * {@code C[b] = op(A[b])·op(B[b]) (+ bias) (then GELU)}, as {@code jvit.kernels.cpu.Matmul}, matmul.cl
 * and matmul_cpu.cl. A is {@code [batch, k, m]} when transposedA, else {@code [batch, m, k]}; B is
 * {@code [batch, n, k]} when transposedB, else {@code [batch, k, n]}; bias {@code [n]}. Flags are ints
 * (0 or 1): TornadoVM bakes scalar arguments into the kernel as constants, so each branch on them
 * folds away when the kernel is compiled.
 *
 * <p>Two variants, as in jvit's OpenCL kernels:
 * <ul>
 * <li>{@link #tiled}, for GPUs: matmul.cl's 64 × 64 tiles through local memory, 16 × 16 work-items
 *     of 4 × 4 outputs each, the bias and GELU fused into the store. On PoCL it ran at 0.4-3 GFLOP/s
 *     (issue 12): a CPU runs a work-group as a loop over its work-items between barriers, spilling
 *     what each holds.
 * <li>{@link #pack} then {@link #blocked}, for CPU devices: matmul_cpu.cl's scheme with TornadoVM's
 *     vector types. A task of its own packs op(B) into k-major panels of {@link #COLUMNS} columns
 *     (two {@code Float16} per k, zero past n), so the product reads two whole vectors per step
 *     whatever B's layout; then each work-item, alone in its work-group (no barriers), multiplies a
 *     block of {@link #ROWS} rows of A by one panel, holding 12 × 2 {@code Float16} accumulators (24
 *     of AVX-512's 32 registers). Each A value is copied into a {@code Float16} first: TornadoVM splits
 *     {@code Float16.mult(vector, scalar)} into lanes. The bias and GELU are {@link #biasActivation}'s,
 *     a task after it. Issue 12 measured this shape at 0.7-0.85× jvit's matmul_cpu.cl on PoCL.
 * </ul>
 */
public final class TornadoMatmul {
    /** The GPU tiling: work-items along each side of a work-group, outputs per work-item along each side, the depth of a local tile. */
    static final int THREADS = 16, WORK = 4, TILE = THREADS * WORK, TILE_K = 16;
    /** The CPU block: rows of A per work-item, columns of a packed panel (two Float16). */
    static final int ROWS = 12, COLUMNS = 32;

    private TornadoMatmul() {}

    /**
     * One {@link #TILE} × {@link #TILE} block of C per work-group of {@link #THREADS}² work-items, the
     * batch in z; each work-item holds {@link #WORK}² outputs at rows ty + i·THREADS, columns tx + j·THREADS
     * (neighbouring work-items touch neighbouring addresses). K advances {@link #TILE_K} at a time through
     * local memory, both tiles k-major; edges zero-filled on load and skipped on store. bias is read only when hasBias.
     */
    public static void tiled(KernelContext context, FloatArray c, FloatArray a, FloatArray b, FloatArray bias, int m, int n, int k,
                             int transposedA, int transposedB, int hasBias, int gelu) {
        float[] as = context.allocateFloatLocalArray(TILE_K * TILE);
        float[] bs = context.allocateFloatLocalArray(TILE_K * TILE);
        float[] acc = new float[WORK * WORK];
        int batch = context.groupIdz, tx = context.localIdx, ty = context.localIdy, tid = ty * THREADS + tx;
        int row0 = context.groupIdy * TILE, col0 = context.groupIdx * TILE;
        int aBase = batch * m * k, bBase = batch * n * k, cBase = batch * m * n;
        for (int e = 0; e < WORK * WORK; e++) acc[e] = 0.0f;

        for (int k0 = 0; k0 < k; k0 += TILE_K) {
            for (int e = tid; e < TILE_K * TILE; e += THREADS * THREADS) {
                // as[kk][row] = A[row0 + row][k0 + kk]: neighbouring work-items read along A's rows (k) unless A is transposed.
                int kk = transposedA == 1 ? e / TILE : e % TILE_K, row = transposedA == 1 ? e % TILE : e / TILE_K;
                int gk = k0 + kk, gr = row0 + row;
                float v = 0.0f;
                if (gk < k && gr < m) v = transposedA == 1 ? a.get(aBase + gk * m + gr) : a.get(aBase + gr * k + gk);
                as[kk * TILE + row] = v;
                // bs[kk][col] = op(B)[k0 + kk][col0 + col]: along B's rows (k) when transposed, else along its columns (n).
                int bk = transposedB == 1 ? e % TILE_K : e / TILE, col = transposedB == 1 ? e / TILE_K : e % TILE;
                int gbk = k0 + bk, gc = col0 + col;
                float w = 0.0f;
                if (gbk < k && gc < n) w = transposedB == 1 ? b.get(bBase + gc * k + gbk) : b.get(bBase + gbk * n + gc);
                bs[bk * TILE + col] = w;
            }
            context.localBarrier();
            for (int kk = 0; kk < TILE_K; kk++) {
                for (int i = 0; i < WORK; i++) {
                    float av = as[kk * TILE + ty + i * THREADS];
                    for (int j = 0; j < WORK; j++) acc[i * WORK + j] += av * bs[kk * TILE + tx + j * THREADS];
                }
            }
            context.localBarrier();
        }
        for (int i = 0; i < WORK; i++) {
            int row = row0 + ty + i * THREADS;
            for (int j = 0; j < WORK; j++) {
                int col = col0 + tx + j * THREADS;
                if (row < m && col < n) {
                    float v = acc[i * WORK + j] + (hasBias == 1 ? bias.get(col) : 0.0f);
                    c.set(cBase + row * n + col, gelu == 1 ? TornadoGelu.gelu(v) : v);
                }
            }
        }
    }

    /**
     * {@code packed[b][panel][p] = op(B[b])[p][panel·32 .. panel·32 + 32)} as two Float16, zero past n:
     * one work-item per (p, panel, batch), grid (k, panels, batch).
     */
    public static void pack(KernelContext context, VectorFloat16 packed, FloatArray b, int n, int k, int transposedB) {
        int p = context.globalIdx, panel = context.globalIdy, batch = context.globalIdz;
        int panels = (n + COLUMNS - 1) / COLUMNS, col0 = panel * COLUMNS;
        if (p < k) {
            int at = ((batch * panels + panel) * k + p) * 2;
            // Written out in the kernel: as a helper called twice it is too large for TornadoVM to inline (608 nodes, limit 600).
            for (int half = 0; half < 2; half++) {
                int col = col0 + 16 * half;
                packed.set(at + half, new Float16(element(b, batch, n, k, p, col, transposedB),
                        element(b, batch, n, k, p, col + 1, transposedB), element(b, batch, n, k, p, col + 2, transposedB),
                        element(b, batch, n, k, p, col + 3, transposedB), element(b, batch, n, k, p, col + 4, transposedB),
                        element(b, batch, n, k, p, col + 5, transposedB), element(b, batch, n, k, p, col + 6, transposedB),
                        element(b, batch, n, k, p, col + 7, transposedB), element(b, batch, n, k, p, col + 8, transposedB),
                        element(b, batch, n, k, p, col + 9, transposedB), element(b, batch, n, k, p, col + 10, transposedB),
                        element(b, batch, n, k, p, col + 11, transposedB), element(b, batch, n, k, p, col + 12, transposedB),
                        element(b, batch, n, k, p, col + 13, transposedB), element(b, batch, n, k, p, col + 14, transposedB),
                        element(b, batch, n, k, p, col + 15, transposedB)));
            }
        }
    }

    /** op(B[batch])[p][col], zero past n. */
    private static float element(FloatArray b, int batch, int n, int k, int p, int col, int transposedB) {
        if (col >= n) return 0.0f;
        return transposedB == 1 ? b.get((batch * n + col) * k + p) : b.get((batch * k + p) * n + col);
    }

    /**
     * C's block of {@link #ROWS} rows by one packed panel, grid (row blocks, panels, batch), one work-item
     * per work-group; writes the plain product (the epilogue is {@link #biasActivation}'s).
     */
    public static void blocked(KernelContext context, FloatArray c, FloatArray a, VectorFloat16 packed, int m, int n, int k,
                               int transposedA) {
        int panels = (n + COLUMNS - 1) / COLUMNS;
        int m1 = m - 1, row0 = context.globalIdx * ROWS, panel = context.globalIdy, batch = context.globalIdz;
        int step = transposedA == 1 ? m : 1, matrix = batch * m * k;
        // Row i of this block reads A from ai + p·step; rows past m read row m - 1 (never stored).
        int a0 = matrix + (transposedA == 1 ? TornadoMath.min(row0 + 0, m1) : TornadoMath.min(row0 + 0, m1) * k);
        int a1 = matrix + (transposedA == 1 ? TornadoMath.min(row0 + 1, m1) : TornadoMath.min(row0 + 1, m1) * k);
        int a2 = matrix + (transposedA == 1 ? TornadoMath.min(row0 + 2, m1) : TornadoMath.min(row0 + 2, m1) * k);
        int a3 = matrix + (transposedA == 1 ? TornadoMath.min(row0 + 3, m1) : TornadoMath.min(row0 + 3, m1) * k);
        int a4 = matrix + (transposedA == 1 ? TornadoMath.min(row0 + 4, m1) : TornadoMath.min(row0 + 4, m1) * k);
        int a5 = matrix + (transposedA == 1 ? TornadoMath.min(row0 + 5, m1) : TornadoMath.min(row0 + 5, m1) * k);
        int a6 = matrix + (transposedA == 1 ? TornadoMath.min(row0 + 6, m1) : TornadoMath.min(row0 + 6, m1) * k);
        int a7 = matrix + (transposedA == 1 ? TornadoMath.min(row0 + 7, m1) : TornadoMath.min(row0 + 7, m1) * k);
        int a8 = matrix + (transposedA == 1 ? TornadoMath.min(row0 + 8, m1) : TornadoMath.min(row0 + 8, m1) * k);
        int a9 = matrix + (transposedA == 1 ? TornadoMath.min(row0 + 9, m1) : TornadoMath.min(row0 + 9, m1) * k);
        int a10 = matrix + (transposedA == 1 ? TornadoMath.min(row0 + 10, m1) : TornadoMath.min(row0 + 10, m1) * k);
        int a11 = matrix + (transposedA == 1 ? TornadoMath.min(row0 + 11, m1) : TornadoMath.min(row0 + 11, m1) * k);
        int b0 = (batch * panels + panel) * k * 2;
        // The first step initialises the accumulators (a no-argument Float16 in a kernel with a loop crashes TornadoVM's compiler).
        Float16 low = packed.get(b0), high = packed.get(b0 + 1);
        Float16 s0 = broadcast(a.get(a0));
        Float16 c0l = Float16.mult(s0, low), c0h = Float16.mult(s0, high);
        Float16 s1 = broadcast(a.get(a1));
        Float16 c1l = Float16.mult(s1, low), c1h = Float16.mult(s1, high);
        Float16 s2 = broadcast(a.get(a2));
        Float16 c2l = Float16.mult(s2, low), c2h = Float16.mult(s2, high);
        Float16 s3 = broadcast(a.get(a3));
        Float16 c3l = Float16.mult(s3, low), c3h = Float16.mult(s3, high);
        Float16 s4 = broadcast(a.get(a4));
        Float16 c4l = Float16.mult(s4, low), c4h = Float16.mult(s4, high);
        Float16 s5 = broadcast(a.get(a5));
        Float16 c5l = Float16.mult(s5, low), c5h = Float16.mult(s5, high);
        Float16 s6 = broadcast(a.get(a6));
        Float16 c6l = Float16.mult(s6, low), c6h = Float16.mult(s6, high);
        Float16 s7 = broadcast(a.get(a7));
        Float16 c7l = Float16.mult(s7, low), c7h = Float16.mult(s7, high);
        Float16 s8 = broadcast(a.get(a8));
        Float16 c8l = Float16.mult(s8, low), c8h = Float16.mult(s8, high);
        Float16 s9 = broadcast(a.get(a9));
        Float16 c9l = Float16.mult(s9, low), c9h = Float16.mult(s9, high);
        Float16 s10 = broadcast(a.get(a10));
        Float16 c10l = Float16.mult(s10, low), c10h = Float16.mult(s10, high);
        Float16 s11 = broadcast(a.get(a11));
        Float16 c11l = Float16.mult(s11, low), c11h = Float16.mult(s11, high);
        for (int p = 1; p < k; p++) {
            low = packed.get(b0 + 2 * p);
            high = packed.get(b0 + 2 * p + 1);
            int offset = p * step;
            Float16 s;
            s = broadcast(a.get(a0 + offset));
            c0l = Float16.add(c0l, Float16.mult(s, low));
            c0h = Float16.add(c0h, Float16.mult(s, high));
            s = broadcast(a.get(a1 + offset));
            c1l = Float16.add(c1l, Float16.mult(s, low));
            c1h = Float16.add(c1h, Float16.mult(s, high));
            s = broadcast(a.get(a2 + offset));
            c2l = Float16.add(c2l, Float16.mult(s, low));
            c2h = Float16.add(c2h, Float16.mult(s, high));
            s = broadcast(a.get(a3 + offset));
            c3l = Float16.add(c3l, Float16.mult(s, low));
            c3h = Float16.add(c3h, Float16.mult(s, high));
            s = broadcast(a.get(a4 + offset));
            c4l = Float16.add(c4l, Float16.mult(s, low));
            c4h = Float16.add(c4h, Float16.mult(s, high));
            s = broadcast(a.get(a5 + offset));
            c5l = Float16.add(c5l, Float16.mult(s, low));
            c5h = Float16.add(c5h, Float16.mult(s, high));
            s = broadcast(a.get(a6 + offset));
            c6l = Float16.add(c6l, Float16.mult(s, low));
            c6h = Float16.add(c6h, Float16.mult(s, high));
            s = broadcast(a.get(a7 + offset));
            c7l = Float16.add(c7l, Float16.mult(s, low));
            c7h = Float16.add(c7h, Float16.mult(s, high));
            s = broadcast(a.get(a8 + offset));
            c8l = Float16.add(c8l, Float16.mult(s, low));
            c8h = Float16.add(c8h, Float16.mult(s, high));
            s = broadcast(a.get(a9 + offset));
            c9l = Float16.add(c9l, Float16.mult(s, low));
            c9h = Float16.add(c9h, Float16.mult(s, high));
            s = broadcast(a.get(a10 + offset));
            c10l = Float16.add(c10l, Float16.mult(s, low));
            c10h = Float16.add(c10h, Float16.mult(s, high));
            s = broadcast(a.get(a11 + offset));
            c11l = Float16.add(c11l, Float16.mult(s, low));
            c11h = Float16.add(c11h, Float16.mult(s, high));
        }
        int col0 = panel * COLUMNS, out = batch * m * n;
        if (row0 + 0 < m) store(c, out + (row0 + 0) * n, c0l, c0h, col0, n);
        if (row0 + 1 < m) store(c, out + (row0 + 1) * n, c1l, c1h, col0, n);
        if (row0 + 2 < m) store(c, out + (row0 + 2) * n, c2l, c2h, col0, n);
        if (row0 + 3 < m) store(c, out + (row0 + 3) * n, c3l, c3h, col0, n);
        if (row0 + 4 < m) store(c, out + (row0 + 4) * n, c4l, c4h, col0, n);
        if (row0 + 5 < m) store(c, out + (row0 + 5) * n, c5l, c5h, col0, n);
        if (row0 + 6 < m) store(c, out + (row0 + 6) * n, c6l, c6h, col0, n);
        if (row0 + 7 < m) store(c, out + (row0 + 7) * n, c7l, c7h, col0, n);
        if (row0 + 8 < m) store(c, out + (row0 + 8) * n, c8l, c8h, col0, n);
        if (row0 + 9 < m) store(c, out + (row0 + 9) * n, c9l, c9h, col0, n);
        if (row0 + 10 < m) store(c, out + (row0 + 10) * n, c10l, c10h, col0, n);
        if (row0 + 11 < m) store(c, out + (row0 + 11) * n, c11l, c11h, col0, n);

    }

    private static Float16 broadcast(float v) {
        return new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
    }

    /** Row {@code out} of C, columns col0 .. col0 + 32 within n, from the two accumulators. */
    private static void store(FloatArray c, int out, Float16 low, Float16 high, int col0, int n) {
        store16(c, out + col0, n - col0, low);
        store16(c, out + col0 + 16, n - col0 - 16, high);
    }

    /** The first {@code valid} lanes of v (all 16 when valid ≥ 16) to c from index on. Lanes named: a vector has no indexed lane in OpenCL C. */
    private static void store16(FloatArray c, int index, int valid, Float16 v) {
        if (valid > 0) c.set(index + 0, v.getS0());
        if (valid > 1) c.set(index + 1, v.getS1());
        if (valid > 2) c.set(index + 2, v.getS2());
        if (valid > 3) c.set(index + 3, v.getS3());
        if (valid > 4) c.set(index + 4, v.getS4());
        if (valid > 5) c.set(index + 5, v.getS5());
        if (valid > 6) c.set(index + 6, v.getS6());
        if (valid > 7) c.set(index + 7, v.getS7());
        if (valid > 8) c.set(index + 8, v.getS8());
        if (valid > 9) c.set(index + 9, v.getS9());
        if (valid > 10) c.set(index + 10, v.getS10());
        if (valid > 11) c.set(index + 11, v.getS11());
        if (valid > 12) c.set(index + 12, v.getS12());
        if (valid > 13) c.set(index + 13, v.getS13());
        if (valid > 14) c.set(index + 14, v.getS14());
        if (valid > 15) c.set(index + 15, v.getS15());
    }

    /** {@code c[i] = act(c[i] + bias[i % n])}, one work-item per element of C (total of them), as bias_activation.cl. */
    public static void biasActivation(KernelContext context, FloatArray c, FloatArray bias, int n, int total, int hasBias, int gelu) {
        int i = context.globalIdx;
        if (i < total) {
            float v = c.get(i) + (hasBias == 1 ? bias.get(i % n) : 0.0f);
            c.set(i, gelu == 1 ? TornadoGelu.gelu(v) : v);
        }
    }
}
