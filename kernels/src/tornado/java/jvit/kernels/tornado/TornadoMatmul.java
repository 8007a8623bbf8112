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
 *     of 4 × 4 outputs each, the bias and GELU fused into the store. It runs anywhere, but on PoCL
 *     (a CPU runs a work-group as a loop over its work-items between barriers, spilling what each
 *     holds) it ran at 0.7 GFLOP/s at 1024³ (2026-12-04, load average ~18 on 2 cores).
 * <li>{@link #pack} then {@link #blocked}, for CPU devices: matmul_cpu.cl's scheme with TornadoVM's
 *     vector types. A task of its own packs op(B) into k-major panels of {@link #COLUMNS} columns
 *     (two {@code Float16} per k, zero past n), so the product reads two whole vectors per step
 *     whatever B's layout; then each work-item, alone in its work-group (no barriers), multiplies a
 *     block of {@link #ROWS} rows of A by one panel, holding 12 × 2 {@code Float16} accumulators (24
 *     of AVX-512's 32 registers). Each A value is copied into a {@code Float16} first: TornadoVM splits
 *     {@code Float16.mult(vector, scalar)} into lanes. The bias and GELU are {@link #biasActivation}'s,
 *     a task after it. TornadoVM emits a vector multiply and add, which -cl-mad-enable lets PoCL fuse.
 *     Measured on tornado:0:0 (PoCL) against jvit's opencl:0 matmul in alternating runs, same device,
 *     load average ~16 on 2 cores (so only indicative): 2048³ best 344-367 ms vs opencl:0 281-372 ms
 *     (best of 10; medians 384-401 ms), 1024³ 44-98 ms vs 15-29 ms (too noisy to tell); 48.5 GFLOP/s
 *     at 1024³ against the tiled variant's 0.7.
 * </ul>
 * TornadoVM 5.2 constraints that shaped {@link #blocked} and {@link #pack}: no method that takes or
 * returns a {@code Float16} may be left to a call (past 3 rows of helpers TornadoVM stopped inlining
 * them and failed: "Non-final objects introduced via scope are not supported"), so the block is
 * written out; a {@code new Float16(...)} whose arguments branch fails Graal's dominance check, so
 * its values are computed first; a method of more than 600 nodes is not inlined.
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
     * local memory, both tiles k-major; edges zero-filled on load and skipped on store. bias is read only when hasBias;
     * activation is {@code Op.Activation.code()}'s number.
     */
    public static void tiled(KernelContext context, FloatArray c, FloatArray a, FloatArray b, FloatArray bias, int m, int n, int k,
                             int transposedA, int transposedB, int hasBias, int activation) {
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
                    c.set(cBase + row * n + col, TornadoGelu.activate(v, activation));
                }
            }
        }
    }

    /**
     * {@code packed[b][panel][p] = op(B[b])[p][panel·32 .. panel·32 + 32)} as two Float16, zero past n:
     * one work-item per (p, half panel, batch), grid (k, 2·panels, batch), each writing one Float16.
     */
    public static void pack(KernelContext context, VectorFloat16 packed, FloatArray b, int n, int k, int transposedB) {
        int p = context.globalIdx, half = context.globalIdy, batch = context.globalIdz;
        int panels = (n + COLUMNS - 1) / COLUMNS, col = half * 16;
        if (p < k) {
            // The 16 values first, then the vector: a `new Float16(...)` whose arguments branch fails a dominance check in
            // TornadoVM's Graal ("FrameState ... does not dominate": the `new` comes before the branches in the bytecode).
            float e0 = element(b, batch, n, k, p, col, transposedB), e1 = element(b, batch, n, k, p, col + 1, transposedB);
            float e2 = element(b, batch, n, k, p, col + 2, transposedB), e3 = element(b, batch, n, k, p, col + 3, transposedB);
            float e4 = element(b, batch, n, k, p, col + 4, transposedB), e5 = element(b, batch, n, k, p, col + 5, transposedB);
            float e6 = element(b, batch, n, k, p, col + 6, transposedB), e7 = element(b, batch, n, k, p, col + 7, transposedB);
            float e8 = element(b, batch, n, k, p, col + 8, transposedB), e9 = element(b, batch, n, k, p, col + 9, transposedB);
            float e10 = element(b, batch, n, k, p, col + 10, transposedB), e11 = element(b, batch, n, k, p, col + 11, transposedB);
            float e12 = element(b, batch, n, k, p, col + 12, transposedB), e13 = element(b, batch, n, k, p, col + 13, transposedB);
            float e14 = element(b, batch, n, k, p, col + 14, transposedB), e15 = element(b, batch, n, k, p, col + 15, transposedB);
            packed.set(((batch * panels + half / 2) * k + p) * 2 + half % 2,
                    new Float16(e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, e13, e14, e15));
        }
    }

    /** op(B[batch])[p][col], zero past n (read within B, then selected). */
    private static float element(FloatArray b, int batch, int n, int k, int p, int col, int transposedB) {
        int c = TornadoMath.min(col, n - 1);
        float v = transposedB == 1 ? b.get((batch * n + c) * k + p) : b.get((batch * k + p) * n + c);
        return col < n ? v : 0.0f;
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
        // Everything below written out in the kernel, no helper calls: past a few rows TornadoVM stopped inlining the helpers
        // that take a Float16, and a vector handed to a call is an object it cannot compile ("Non-final objects introduced via scope").
        Float16 low = packed.get(b0), high = packed.get(b0 + 1);
        float v;
        v = a.get(a0);
        Float16 s0 = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
        Float16 c0l = Float16.mult(s0, low), c0h = Float16.mult(s0, high);
        v = a.get(a1);
        Float16 s1 = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
        Float16 c1l = Float16.mult(s1, low), c1h = Float16.mult(s1, high);
        v = a.get(a2);
        Float16 s2 = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
        Float16 c2l = Float16.mult(s2, low), c2h = Float16.mult(s2, high);
        v = a.get(a3);
        Float16 s3 = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
        Float16 c3l = Float16.mult(s3, low), c3h = Float16.mult(s3, high);
        v = a.get(a4);
        Float16 s4 = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
        Float16 c4l = Float16.mult(s4, low), c4h = Float16.mult(s4, high);
        v = a.get(a5);
        Float16 s5 = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
        Float16 c5l = Float16.mult(s5, low), c5h = Float16.mult(s5, high);
        v = a.get(a6);
        Float16 s6 = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
        Float16 c6l = Float16.mult(s6, low), c6h = Float16.mult(s6, high);
        v = a.get(a7);
        Float16 s7 = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
        Float16 c7l = Float16.mult(s7, low), c7h = Float16.mult(s7, high);
        v = a.get(a8);
        Float16 s8 = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
        Float16 c8l = Float16.mult(s8, low), c8h = Float16.mult(s8, high);
        v = a.get(a9);
        Float16 s9 = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
        Float16 c9l = Float16.mult(s9, low), c9h = Float16.mult(s9, high);
        v = a.get(a10);
        Float16 s10 = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
        Float16 c10l = Float16.mult(s10, low), c10h = Float16.mult(s10, high);
        v = a.get(a11);
        Float16 s11 = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
        Float16 c11l = Float16.mult(s11, low), c11h = Float16.mult(s11, high);
        for (int p = 1; p < k; p++) {
            low = packed.get(b0 + 2 * p);
            high = packed.get(b0 + 2 * p + 1);
            int offset = p * step;
            Float16 s;
            v = a.get(a0 + offset);
            s = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
            c0l = Float16.add(c0l, Float16.mult(s, low));
            c0h = Float16.add(c0h, Float16.mult(s, high));
            v = a.get(a1 + offset);
            s = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
            c1l = Float16.add(c1l, Float16.mult(s, low));
            c1h = Float16.add(c1h, Float16.mult(s, high));
            v = a.get(a2 + offset);
            s = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
            c2l = Float16.add(c2l, Float16.mult(s, low));
            c2h = Float16.add(c2h, Float16.mult(s, high));
            v = a.get(a3 + offset);
            s = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
            c3l = Float16.add(c3l, Float16.mult(s, low));
            c3h = Float16.add(c3h, Float16.mult(s, high));
            v = a.get(a4 + offset);
            s = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
            c4l = Float16.add(c4l, Float16.mult(s, low));
            c4h = Float16.add(c4h, Float16.mult(s, high));
            v = a.get(a5 + offset);
            s = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
            c5l = Float16.add(c5l, Float16.mult(s, low));
            c5h = Float16.add(c5h, Float16.mult(s, high));
            v = a.get(a6 + offset);
            s = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
            c6l = Float16.add(c6l, Float16.mult(s, low));
            c6h = Float16.add(c6h, Float16.mult(s, high));
            v = a.get(a7 + offset);
            s = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
            c7l = Float16.add(c7l, Float16.mult(s, low));
            c7h = Float16.add(c7h, Float16.mult(s, high));
            v = a.get(a8 + offset);
            s = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
            c8l = Float16.add(c8l, Float16.mult(s, low));
            c8h = Float16.add(c8h, Float16.mult(s, high));
            v = a.get(a9 + offset);
            s = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
            c9l = Float16.add(c9l, Float16.mult(s, low));
            c9h = Float16.add(c9h, Float16.mult(s, high));
            v = a.get(a10 + offset);
            s = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
            c10l = Float16.add(c10l, Float16.mult(s, low));
            c10h = Float16.add(c10h, Float16.mult(s, high));
            v = a.get(a11 + offset);
            s = new Float16(v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
            c11l = Float16.add(c11l, Float16.mult(s, low));
            c11h = Float16.add(c11h, Float16.mult(s, high));
        }
        int col0 = panel * COLUMNS, out = batch * m * n, valid = n - col0; // columns of this panel inside C
        if (row0 + 0 < m) {
            int at = out + (row0 + 0) * n + col0;
            if (valid > 0) c.set(at + 0, c0l.getS0());
            if (valid > 1) c.set(at + 1, c0l.getS1());
            if (valid > 2) c.set(at + 2, c0l.getS2());
            if (valid > 3) c.set(at + 3, c0l.getS3());
            if (valid > 4) c.set(at + 4, c0l.getS4());
            if (valid > 5) c.set(at + 5, c0l.getS5());
            if (valid > 6) c.set(at + 6, c0l.getS6());
            if (valid > 7) c.set(at + 7, c0l.getS7());
            if (valid > 8) c.set(at + 8, c0l.getS8());
            if (valid > 9) c.set(at + 9, c0l.getS9());
            if (valid > 10) c.set(at + 10, c0l.getS10());
            if (valid > 11) c.set(at + 11, c0l.getS11());
            if (valid > 12) c.set(at + 12, c0l.getS12());
            if (valid > 13) c.set(at + 13, c0l.getS13());
            if (valid > 14) c.set(at + 14, c0l.getS14());
            if (valid > 15) c.set(at + 15, c0l.getS15());
            if (valid > 16) c.set(at + 16, c0h.getS0());
            if (valid > 17) c.set(at + 17, c0h.getS1());
            if (valid > 18) c.set(at + 18, c0h.getS2());
            if (valid > 19) c.set(at + 19, c0h.getS3());
            if (valid > 20) c.set(at + 20, c0h.getS4());
            if (valid > 21) c.set(at + 21, c0h.getS5());
            if (valid > 22) c.set(at + 22, c0h.getS6());
            if (valid > 23) c.set(at + 23, c0h.getS7());
            if (valid > 24) c.set(at + 24, c0h.getS8());
            if (valid > 25) c.set(at + 25, c0h.getS9());
            if (valid > 26) c.set(at + 26, c0h.getS10());
            if (valid > 27) c.set(at + 27, c0h.getS11());
            if (valid > 28) c.set(at + 28, c0h.getS12());
            if (valid > 29) c.set(at + 29, c0h.getS13());
            if (valid > 30) c.set(at + 30, c0h.getS14());
            if (valid > 31) c.set(at + 31, c0h.getS15());
        }
        if (row0 + 1 < m) {
            int at = out + (row0 + 1) * n + col0;
            if (valid > 0) c.set(at + 0, c1l.getS0());
            if (valid > 1) c.set(at + 1, c1l.getS1());
            if (valid > 2) c.set(at + 2, c1l.getS2());
            if (valid > 3) c.set(at + 3, c1l.getS3());
            if (valid > 4) c.set(at + 4, c1l.getS4());
            if (valid > 5) c.set(at + 5, c1l.getS5());
            if (valid > 6) c.set(at + 6, c1l.getS6());
            if (valid > 7) c.set(at + 7, c1l.getS7());
            if (valid > 8) c.set(at + 8, c1l.getS8());
            if (valid > 9) c.set(at + 9, c1l.getS9());
            if (valid > 10) c.set(at + 10, c1l.getS10());
            if (valid > 11) c.set(at + 11, c1l.getS11());
            if (valid > 12) c.set(at + 12, c1l.getS12());
            if (valid > 13) c.set(at + 13, c1l.getS13());
            if (valid > 14) c.set(at + 14, c1l.getS14());
            if (valid > 15) c.set(at + 15, c1l.getS15());
            if (valid > 16) c.set(at + 16, c1h.getS0());
            if (valid > 17) c.set(at + 17, c1h.getS1());
            if (valid > 18) c.set(at + 18, c1h.getS2());
            if (valid > 19) c.set(at + 19, c1h.getS3());
            if (valid > 20) c.set(at + 20, c1h.getS4());
            if (valid > 21) c.set(at + 21, c1h.getS5());
            if (valid > 22) c.set(at + 22, c1h.getS6());
            if (valid > 23) c.set(at + 23, c1h.getS7());
            if (valid > 24) c.set(at + 24, c1h.getS8());
            if (valid > 25) c.set(at + 25, c1h.getS9());
            if (valid > 26) c.set(at + 26, c1h.getS10());
            if (valid > 27) c.set(at + 27, c1h.getS11());
            if (valid > 28) c.set(at + 28, c1h.getS12());
            if (valid > 29) c.set(at + 29, c1h.getS13());
            if (valid > 30) c.set(at + 30, c1h.getS14());
            if (valid > 31) c.set(at + 31, c1h.getS15());
        }
        if (row0 + 2 < m) {
            int at = out + (row0 + 2) * n + col0;
            if (valid > 0) c.set(at + 0, c2l.getS0());
            if (valid > 1) c.set(at + 1, c2l.getS1());
            if (valid > 2) c.set(at + 2, c2l.getS2());
            if (valid > 3) c.set(at + 3, c2l.getS3());
            if (valid > 4) c.set(at + 4, c2l.getS4());
            if (valid > 5) c.set(at + 5, c2l.getS5());
            if (valid > 6) c.set(at + 6, c2l.getS6());
            if (valid > 7) c.set(at + 7, c2l.getS7());
            if (valid > 8) c.set(at + 8, c2l.getS8());
            if (valid > 9) c.set(at + 9, c2l.getS9());
            if (valid > 10) c.set(at + 10, c2l.getS10());
            if (valid > 11) c.set(at + 11, c2l.getS11());
            if (valid > 12) c.set(at + 12, c2l.getS12());
            if (valid > 13) c.set(at + 13, c2l.getS13());
            if (valid > 14) c.set(at + 14, c2l.getS14());
            if (valid > 15) c.set(at + 15, c2l.getS15());
            if (valid > 16) c.set(at + 16, c2h.getS0());
            if (valid > 17) c.set(at + 17, c2h.getS1());
            if (valid > 18) c.set(at + 18, c2h.getS2());
            if (valid > 19) c.set(at + 19, c2h.getS3());
            if (valid > 20) c.set(at + 20, c2h.getS4());
            if (valid > 21) c.set(at + 21, c2h.getS5());
            if (valid > 22) c.set(at + 22, c2h.getS6());
            if (valid > 23) c.set(at + 23, c2h.getS7());
            if (valid > 24) c.set(at + 24, c2h.getS8());
            if (valid > 25) c.set(at + 25, c2h.getS9());
            if (valid > 26) c.set(at + 26, c2h.getS10());
            if (valid > 27) c.set(at + 27, c2h.getS11());
            if (valid > 28) c.set(at + 28, c2h.getS12());
            if (valid > 29) c.set(at + 29, c2h.getS13());
            if (valid > 30) c.set(at + 30, c2h.getS14());
            if (valid > 31) c.set(at + 31, c2h.getS15());
        }
        if (row0 + 3 < m) {
            int at = out + (row0 + 3) * n + col0;
            if (valid > 0) c.set(at + 0, c3l.getS0());
            if (valid > 1) c.set(at + 1, c3l.getS1());
            if (valid > 2) c.set(at + 2, c3l.getS2());
            if (valid > 3) c.set(at + 3, c3l.getS3());
            if (valid > 4) c.set(at + 4, c3l.getS4());
            if (valid > 5) c.set(at + 5, c3l.getS5());
            if (valid > 6) c.set(at + 6, c3l.getS6());
            if (valid > 7) c.set(at + 7, c3l.getS7());
            if (valid > 8) c.set(at + 8, c3l.getS8());
            if (valid > 9) c.set(at + 9, c3l.getS9());
            if (valid > 10) c.set(at + 10, c3l.getS10());
            if (valid > 11) c.set(at + 11, c3l.getS11());
            if (valid > 12) c.set(at + 12, c3l.getS12());
            if (valid > 13) c.set(at + 13, c3l.getS13());
            if (valid > 14) c.set(at + 14, c3l.getS14());
            if (valid > 15) c.set(at + 15, c3l.getS15());
            if (valid > 16) c.set(at + 16, c3h.getS0());
            if (valid > 17) c.set(at + 17, c3h.getS1());
            if (valid > 18) c.set(at + 18, c3h.getS2());
            if (valid > 19) c.set(at + 19, c3h.getS3());
            if (valid > 20) c.set(at + 20, c3h.getS4());
            if (valid > 21) c.set(at + 21, c3h.getS5());
            if (valid > 22) c.set(at + 22, c3h.getS6());
            if (valid > 23) c.set(at + 23, c3h.getS7());
            if (valid > 24) c.set(at + 24, c3h.getS8());
            if (valid > 25) c.set(at + 25, c3h.getS9());
            if (valid > 26) c.set(at + 26, c3h.getS10());
            if (valid > 27) c.set(at + 27, c3h.getS11());
            if (valid > 28) c.set(at + 28, c3h.getS12());
            if (valid > 29) c.set(at + 29, c3h.getS13());
            if (valid > 30) c.set(at + 30, c3h.getS14());
            if (valid > 31) c.set(at + 31, c3h.getS15());
        }
        if (row0 + 4 < m) {
            int at = out + (row0 + 4) * n + col0;
            if (valid > 0) c.set(at + 0, c4l.getS0());
            if (valid > 1) c.set(at + 1, c4l.getS1());
            if (valid > 2) c.set(at + 2, c4l.getS2());
            if (valid > 3) c.set(at + 3, c4l.getS3());
            if (valid > 4) c.set(at + 4, c4l.getS4());
            if (valid > 5) c.set(at + 5, c4l.getS5());
            if (valid > 6) c.set(at + 6, c4l.getS6());
            if (valid > 7) c.set(at + 7, c4l.getS7());
            if (valid > 8) c.set(at + 8, c4l.getS8());
            if (valid > 9) c.set(at + 9, c4l.getS9());
            if (valid > 10) c.set(at + 10, c4l.getS10());
            if (valid > 11) c.set(at + 11, c4l.getS11());
            if (valid > 12) c.set(at + 12, c4l.getS12());
            if (valid > 13) c.set(at + 13, c4l.getS13());
            if (valid > 14) c.set(at + 14, c4l.getS14());
            if (valid > 15) c.set(at + 15, c4l.getS15());
            if (valid > 16) c.set(at + 16, c4h.getS0());
            if (valid > 17) c.set(at + 17, c4h.getS1());
            if (valid > 18) c.set(at + 18, c4h.getS2());
            if (valid > 19) c.set(at + 19, c4h.getS3());
            if (valid > 20) c.set(at + 20, c4h.getS4());
            if (valid > 21) c.set(at + 21, c4h.getS5());
            if (valid > 22) c.set(at + 22, c4h.getS6());
            if (valid > 23) c.set(at + 23, c4h.getS7());
            if (valid > 24) c.set(at + 24, c4h.getS8());
            if (valid > 25) c.set(at + 25, c4h.getS9());
            if (valid > 26) c.set(at + 26, c4h.getS10());
            if (valid > 27) c.set(at + 27, c4h.getS11());
            if (valid > 28) c.set(at + 28, c4h.getS12());
            if (valid > 29) c.set(at + 29, c4h.getS13());
            if (valid > 30) c.set(at + 30, c4h.getS14());
            if (valid > 31) c.set(at + 31, c4h.getS15());
        }
        if (row0 + 5 < m) {
            int at = out + (row0 + 5) * n + col0;
            if (valid > 0) c.set(at + 0, c5l.getS0());
            if (valid > 1) c.set(at + 1, c5l.getS1());
            if (valid > 2) c.set(at + 2, c5l.getS2());
            if (valid > 3) c.set(at + 3, c5l.getS3());
            if (valid > 4) c.set(at + 4, c5l.getS4());
            if (valid > 5) c.set(at + 5, c5l.getS5());
            if (valid > 6) c.set(at + 6, c5l.getS6());
            if (valid > 7) c.set(at + 7, c5l.getS7());
            if (valid > 8) c.set(at + 8, c5l.getS8());
            if (valid > 9) c.set(at + 9, c5l.getS9());
            if (valid > 10) c.set(at + 10, c5l.getS10());
            if (valid > 11) c.set(at + 11, c5l.getS11());
            if (valid > 12) c.set(at + 12, c5l.getS12());
            if (valid > 13) c.set(at + 13, c5l.getS13());
            if (valid > 14) c.set(at + 14, c5l.getS14());
            if (valid > 15) c.set(at + 15, c5l.getS15());
            if (valid > 16) c.set(at + 16, c5h.getS0());
            if (valid > 17) c.set(at + 17, c5h.getS1());
            if (valid > 18) c.set(at + 18, c5h.getS2());
            if (valid > 19) c.set(at + 19, c5h.getS3());
            if (valid > 20) c.set(at + 20, c5h.getS4());
            if (valid > 21) c.set(at + 21, c5h.getS5());
            if (valid > 22) c.set(at + 22, c5h.getS6());
            if (valid > 23) c.set(at + 23, c5h.getS7());
            if (valid > 24) c.set(at + 24, c5h.getS8());
            if (valid > 25) c.set(at + 25, c5h.getS9());
            if (valid > 26) c.set(at + 26, c5h.getS10());
            if (valid > 27) c.set(at + 27, c5h.getS11());
            if (valid > 28) c.set(at + 28, c5h.getS12());
            if (valid > 29) c.set(at + 29, c5h.getS13());
            if (valid > 30) c.set(at + 30, c5h.getS14());
            if (valid > 31) c.set(at + 31, c5h.getS15());
        }
        if (row0 + 6 < m) {
            int at = out + (row0 + 6) * n + col0;
            if (valid > 0) c.set(at + 0, c6l.getS0());
            if (valid > 1) c.set(at + 1, c6l.getS1());
            if (valid > 2) c.set(at + 2, c6l.getS2());
            if (valid > 3) c.set(at + 3, c6l.getS3());
            if (valid > 4) c.set(at + 4, c6l.getS4());
            if (valid > 5) c.set(at + 5, c6l.getS5());
            if (valid > 6) c.set(at + 6, c6l.getS6());
            if (valid > 7) c.set(at + 7, c6l.getS7());
            if (valid > 8) c.set(at + 8, c6l.getS8());
            if (valid > 9) c.set(at + 9, c6l.getS9());
            if (valid > 10) c.set(at + 10, c6l.getS10());
            if (valid > 11) c.set(at + 11, c6l.getS11());
            if (valid > 12) c.set(at + 12, c6l.getS12());
            if (valid > 13) c.set(at + 13, c6l.getS13());
            if (valid > 14) c.set(at + 14, c6l.getS14());
            if (valid > 15) c.set(at + 15, c6l.getS15());
            if (valid > 16) c.set(at + 16, c6h.getS0());
            if (valid > 17) c.set(at + 17, c6h.getS1());
            if (valid > 18) c.set(at + 18, c6h.getS2());
            if (valid > 19) c.set(at + 19, c6h.getS3());
            if (valid > 20) c.set(at + 20, c6h.getS4());
            if (valid > 21) c.set(at + 21, c6h.getS5());
            if (valid > 22) c.set(at + 22, c6h.getS6());
            if (valid > 23) c.set(at + 23, c6h.getS7());
            if (valid > 24) c.set(at + 24, c6h.getS8());
            if (valid > 25) c.set(at + 25, c6h.getS9());
            if (valid > 26) c.set(at + 26, c6h.getS10());
            if (valid > 27) c.set(at + 27, c6h.getS11());
            if (valid > 28) c.set(at + 28, c6h.getS12());
            if (valid > 29) c.set(at + 29, c6h.getS13());
            if (valid > 30) c.set(at + 30, c6h.getS14());
            if (valid > 31) c.set(at + 31, c6h.getS15());
        }
        if (row0 + 7 < m) {
            int at = out + (row0 + 7) * n + col0;
            if (valid > 0) c.set(at + 0, c7l.getS0());
            if (valid > 1) c.set(at + 1, c7l.getS1());
            if (valid > 2) c.set(at + 2, c7l.getS2());
            if (valid > 3) c.set(at + 3, c7l.getS3());
            if (valid > 4) c.set(at + 4, c7l.getS4());
            if (valid > 5) c.set(at + 5, c7l.getS5());
            if (valid > 6) c.set(at + 6, c7l.getS6());
            if (valid > 7) c.set(at + 7, c7l.getS7());
            if (valid > 8) c.set(at + 8, c7l.getS8());
            if (valid > 9) c.set(at + 9, c7l.getS9());
            if (valid > 10) c.set(at + 10, c7l.getS10());
            if (valid > 11) c.set(at + 11, c7l.getS11());
            if (valid > 12) c.set(at + 12, c7l.getS12());
            if (valid > 13) c.set(at + 13, c7l.getS13());
            if (valid > 14) c.set(at + 14, c7l.getS14());
            if (valid > 15) c.set(at + 15, c7l.getS15());
            if (valid > 16) c.set(at + 16, c7h.getS0());
            if (valid > 17) c.set(at + 17, c7h.getS1());
            if (valid > 18) c.set(at + 18, c7h.getS2());
            if (valid > 19) c.set(at + 19, c7h.getS3());
            if (valid > 20) c.set(at + 20, c7h.getS4());
            if (valid > 21) c.set(at + 21, c7h.getS5());
            if (valid > 22) c.set(at + 22, c7h.getS6());
            if (valid > 23) c.set(at + 23, c7h.getS7());
            if (valid > 24) c.set(at + 24, c7h.getS8());
            if (valid > 25) c.set(at + 25, c7h.getS9());
            if (valid > 26) c.set(at + 26, c7h.getS10());
            if (valid > 27) c.set(at + 27, c7h.getS11());
            if (valid > 28) c.set(at + 28, c7h.getS12());
            if (valid > 29) c.set(at + 29, c7h.getS13());
            if (valid > 30) c.set(at + 30, c7h.getS14());
            if (valid > 31) c.set(at + 31, c7h.getS15());
        }
        if (row0 + 8 < m) {
            int at = out + (row0 + 8) * n + col0;
            if (valid > 0) c.set(at + 0, c8l.getS0());
            if (valid > 1) c.set(at + 1, c8l.getS1());
            if (valid > 2) c.set(at + 2, c8l.getS2());
            if (valid > 3) c.set(at + 3, c8l.getS3());
            if (valid > 4) c.set(at + 4, c8l.getS4());
            if (valid > 5) c.set(at + 5, c8l.getS5());
            if (valid > 6) c.set(at + 6, c8l.getS6());
            if (valid > 7) c.set(at + 7, c8l.getS7());
            if (valid > 8) c.set(at + 8, c8l.getS8());
            if (valid > 9) c.set(at + 9, c8l.getS9());
            if (valid > 10) c.set(at + 10, c8l.getS10());
            if (valid > 11) c.set(at + 11, c8l.getS11());
            if (valid > 12) c.set(at + 12, c8l.getS12());
            if (valid > 13) c.set(at + 13, c8l.getS13());
            if (valid > 14) c.set(at + 14, c8l.getS14());
            if (valid > 15) c.set(at + 15, c8l.getS15());
            if (valid > 16) c.set(at + 16, c8h.getS0());
            if (valid > 17) c.set(at + 17, c8h.getS1());
            if (valid > 18) c.set(at + 18, c8h.getS2());
            if (valid > 19) c.set(at + 19, c8h.getS3());
            if (valid > 20) c.set(at + 20, c8h.getS4());
            if (valid > 21) c.set(at + 21, c8h.getS5());
            if (valid > 22) c.set(at + 22, c8h.getS6());
            if (valid > 23) c.set(at + 23, c8h.getS7());
            if (valid > 24) c.set(at + 24, c8h.getS8());
            if (valid > 25) c.set(at + 25, c8h.getS9());
            if (valid > 26) c.set(at + 26, c8h.getS10());
            if (valid > 27) c.set(at + 27, c8h.getS11());
            if (valid > 28) c.set(at + 28, c8h.getS12());
            if (valid > 29) c.set(at + 29, c8h.getS13());
            if (valid > 30) c.set(at + 30, c8h.getS14());
            if (valid > 31) c.set(at + 31, c8h.getS15());
        }
        if (row0 + 9 < m) {
            int at = out + (row0 + 9) * n + col0;
            if (valid > 0) c.set(at + 0, c9l.getS0());
            if (valid > 1) c.set(at + 1, c9l.getS1());
            if (valid > 2) c.set(at + 2, c9l.getS2());
            if (valid > 3) c.set(at + 3, c9l.getS3());
            if (valid > 4) c.set(at + 4, c9l.getS4());
            if (valid > 5) c.set(at + 5, c9l.getS5());
            if (valid > 6) c.set(at + 6, c9l.getS6());
            if (valid > 7) c.set(at + 7, c9l.getS7());
            if (valid > 8) c.set(at + 8, c9l.getS8());
            if (valid > 9) c.set(at + 9, c9l.getS9());
            if (valid > 10) c.set(at + 10, c9l.getS10());
            if (valid > 11) c.set(at + 11, c9l.getS11());
            if (valid > 12) c.set(at + 12, c9l.getS12());
            if (valid > 13) c.set(at + 13, c9l.getS13());
            if (valid > 14) c.set(at + 14, c9l.getS14());
            if (valid > 15) c.set(at + 15, c9l.getS15());
            if (valid > 16) c.set(at + 16, c9h.getS0());
            if (valid > 17) c.set(at + 17, c9h.getS1());
            if (valid > 18) c.set(at + 18, c9h.getS2());
            if (valid > 19) c.set(at + 19, c9h.getS3());
            if (valid > 20) c.set(at + 20, c9h.getS4());
            if (valid > 21) c.set(at + 21, c9h.getS5());
            if (valid > 22) c.set(at + 22, c9h.getS6());
            if (valid > 23) c.set(at + 23, c9h.getS7());
            if (valid > 24) c.set(at + 24, c9h.getS8());
            if (valid > 25) c.set(at + 25, c9h.getS9());
            if (valid > 26) c.set(at + 26, c9h.getS10());
            if (valid > 27) c.set(at + 27, c9h.getS11());
            if (valid > 28) c.set(at + 28, c9h.getS12());
            if (valid > 29) c.set(at + 29, c9h.getS13());
            if (valid > 30) c.set(at + 30, c9h.getS14());
            if (valid > 31) c.set(at + 31, c9h.getS15());
        }
        if (row0 + 10 < m) {
            int at = out + (row0 + 10) * n + col0;
            if (valid > 0) c.set(at + 0, c10l.getS0());
            if (valid > 1) c.set(at + 1, c10l.getS1());
            if (valid > 2) c.set(at + 2, c10l.getS2());
            if (valid > 3) c.set(at + 3, c10l.getS3());
            if (valid > 4) c.set(at + 4, c10l.getS4());
            if (valid > 5) c.set(at + 5, c10l.getS5());
            if (valid > 6) c.set(at + 6, c10l.getS6());
            if (valid > 7) c.set(at + 7, c10l.getS7());
            if (valid > 8) c.set(at + 8, c10l.getS8());
            if (valid > 9) c.set(at + 9, c10l.getS9());
            if (valid > 10) c.set(at + 10, c10l.getS10());
            if (valid > 11) c.set(at + 11, c10l.getS11());
            if (valid > 12) c.set(at + 12, c10l.getS12());
            if (valid > 13) c.set(at + 13, c10l.getS13());
            if (valid > 14) c.set(at + 14, c10l.getS14());
            if (valid > 15) c.set(at + 15, c10l.getS15());
            if (valid > 16) c.set(at + 16, c10h.getS0());
            if (valid > 17) c.set(at + 17, c10h.getS1());
            if (valid > 18) c.set(at + 18, c10h.getS2());
            if (valid > 19) c.set(at + 19, c10h.getS3());
            if (valid > 20) c.set(at + 20, c10h.getS4());
            if (valid > 21) c.set(at + 21, c10h.getS5());
            if (valid > 22) c.set(at + 22, c10h.getS6());
            if (valid > 23) c.set(at + 23, c10h.getS7());
            if (valid > 24) c.set(at + 24, c10h.getS8());
            if (valid > 25) c.set(at + 25, c10h.getS9());
            if (valid > 26) c.set(at + 26, c10h.getS10());
            if (valid > 27) c.set(at + 27, c10h.getS11());
            if (valid > 28) c.set(at + 28, c10h.getS12());
            if (valid > 29) c.set(at + 29, c10h.getS13());
            if (valid > 30) c.set(at + 30, c10h.getS14());
            if (valid > 31) c.set(at + 31, c10h.getS15());
        }
        if (row0 + 11 < m) {
            int at = out + (row0 + 11) * n + col0;
            if (valid > 0) c.set(at + 0, c11l.getS0());
            if (valid > 1) c.set(at + 1, c11l.getS1());
            if (valid > 2) c.set(at + 2, c11l.getS2());
            if (valid > 3) c.set(at + 3, c11l.getS3());
            if (valid > 4) c.set(at + 4, c11l.getS4());
            if (valid > 5) c.set(at + 5, c11l.getS5());
            if (valid > 6) c.set(at + 6, c11l.getS6());
            if (valid > 7) c.set(at + 7, c11l.getS7());
            if (valid > 8) c.set(at + 8, c11l.getS8());
            if (valid > 9) c.set(at + 9, c11l.getS9());
            if (valid > 10) c.set(at + 10, c11l.getS10());
            if (valid > 11) c.set(at + 11, c11l.getS11());
            if (valid > 12) c.set(at + 12, c11l.getS12());
            if (valid > 13) c.set(at + 13, c11l.getS13());
            if (valid > 14) c.set(at + 14, c11l.getS14());
            if (valid > 15) c.set(at + 15, c11l.getS15());
            if (valid > 16) c.set(at + 16, c11h.getS0());
            if (valid > 17) c.set(at + 17, c11h.getS1());
            if (valid > 18) c.set(at + 18, c11h.getS2());
            if (valid > 19) c.set(at + 19, c11h.getS3());
            if (valid > 20) c.set(at + 20, c11h.getS4());
            if (valid > 21) c.set(at + 21, c11h.getS5());
            if (valid > 22) c.set(at + 22, c11h.getS6());
            if (valid > 23) c.set(at + 23, c11h.getS7());
            if (valid > 24) c.set(at + 24, c11h.getS8());
            if (valid > 25) c.set(at + 25, c11h.getS9());
            if (valid > 26) c.set(at + 26, c11h.getS10());
            if (valid > 27) c.set(at + 27, c11h.getS11());
            if (valid > 28) c.set(at + 28, c11h.getS12());
            if (valid > 29) c.set(at + 29, c11h.getS13());
            if (valid > 30) c.set(at + 30, c11h.getS14());
            if (valid > 31) c.set(at + 31, c11h.getS15());
        }
    }

    /** {@code c[i] = act(c[i] + bias[i % n])}, one work-item per element of C (total of them), as bias_activation.cl. */
    public static void biasActivation(KernelContext context, FloatArray c, FloatArray bias, int n, int total, int hasBias, int activation) {
        int i = context.globalIdx;
        if (i < total) {
            float v = c.get(i) + (hasBias == 1 ? bias.get(i % n) : 0.0f);
            c.set(i, TornadoGelu.activate(v, activation));
        }
    }
}
