package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.S;
import static jvit.kernels.cpu.MatmulKernel.MR;
import static jvit.kernels.cpu.MatmulKernel.NR;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Multi-head self-attention, {@code softmax(Q·Kᵀ/√d)·V} per (sequence, head), heads written side by
 * side, and its backward pass. One task per (sequence, head). The forward pass runs on the matmul
 * micro-kernel. The backward pass gathers Q (pre-scaled by 1/√d), K and V, K also transposed, so
 * that a row of scores is a broadcast-FMA over d for 16 keys at a time (no horizontal sums), four
 * query rows sharing each load; weighted sums of rows accumulate in registers over all keys, one
 * load per four FMAs.
 */
public final class Attention {
    private static final int ROWS = 4;

    private Attention() {}

    /** One (sequence, head): Q·(1/√d), K, V row-major {@code [tokens][headDim]}, Kᵀ {@code [headDim][keys]}. */
    private static final class Head {
        final int tokens, headDim, keys;
        final float[] q, k, v, kt;

        Head(int tokens, int headDim) {
            this.tokens = tokens;
            this.headDim = headDim;
            this.keys = S.loopBound(tokens + L - 1); // tokens rounded up to whole vectors; the padding is masked
            q = new float[tokens * headDim];
            k = new float[tokens * headDim];
            v = new float[tokens * headDim];
            kt = new float[headDim * keys];
        }

        void gather(MemorySegment qkv, int b, int h, int width, float scale) {
            for (int t = 0; t < tokens; t++) {
                long row = ((long) b * tokens + t) * 3 * width + (long) h * headDim;
                F32.copy(qkv, row, q, t * headDim, headDim);
                F32.copy(qkv, row + width, k, t * headDim, headDim);
                F32.copy(qkv, row + 2L * width, v, t * headDim, headDim);
                int d = 0;
                for (; d + L <= headDim; d += L)
                    FloatVector.fromArray(S, q, t * headDim + d).mul(scale).intoArray(q, t * headDim + d);
                for (; d < headDim; d++) q[t * headDim + d] *= scale;
                for (d = 0; d < headDim; d++) kt[d * keys + t] = k[t * headDim + d];
            }
        }

        /** Row {@code i0 .. i0 + rows} of the probabilities {@code softmax(Q·Kᵀ/√d)}, written at {@code p[at..]} with stride {@code keys}. */
        void probabilities(int i0, int rows, float[] p, int at) {
            dots(q, i0, rows, kt, keys, tokens, headDim, p, at);
            for (int r = 0; r < rows; r++) Softmax.inPlace(p, at + r * keys, tokens);
        }
    }

    /**
     * qkv {@code [batch, tokens, 3, heads, headDim]}; out {@code [batch, tokens, heads·headDim]}.
     * Both products go through {@link MatmulKernel}, MR query rows at a time: their scores
     * {@code Q·Kᵀ} (Q read in place, K packed), scaled and softmaxed, then {@code P·V} (V packed).
     */
    public static void forward(MemorySegment out, MemorySegment qkv, int batch, int tokens, int heads, int headDim) {
        int width = heads * headDim;
        float scale = (float) (1 / Math.sqrt(headDim));
        // A head a chunk, so that a core slowed by a neighbour does fewer: at batch 1 there are only 12.
        Parallel.forRange(batch * heads, 6, (from, to) -> {
            HeadPanels head = HeadPanels.forThisThread(tokens, headDim);
            for (int bh = from; bh < to; bh++) head.attend(out, qkv, bh / heads, bh % heads, width, scale);
        });
    }

    /**
     * Where each thread's probabilities are, grown as needed: in a shared arena, as the graph's
     * tensors are. A confined arena's segments would make the matmul kernel's loads of A see a second
     * kind of session, which slowed every product of a ViT-S/16 forward by a quarter.
     */
    private static final Arena SCRATCH = Arena.ofShared();
    private static final ThreadLocal<MemorySegment> PROBABILITIES = ThreadLocal.withInitial(() -> MemorySegment.NULL);

    private static MemorySegment probabilities(long bytes) {
        MemorySegment p = PROBABILITIES.get();
        if (p.byteSize() < bytes) PROBABILITIES.set(p = SCRATCH.allocate(bytes, 64));
        return p;
    }

    /** One task's work space: K and V of one (sequence, head) packed as B panels, and MR rows of scores. */
    private static final class HeadPanels {
        final int tokens, headDim, keys;
        final float[] k, v, scores, tile = new float[MR * NR];
        /** The probabilities of MR rows, where the kernel reads its A. */
        final MemorySegment p;

        private static final ThreadLocal<HeadPanels> CACHED = new ThreadLocal<>();

        /** This thread's work space for the shape, kept from one call to the next. */
        static HeadPanels forThisThread(int tokens, int headDim) {
            HeadPanels panels = CACHED.get();
            if (panels == null || panels.tokens != tokens || panels.headDim != headDim) CACHED.set(panels = new HeadPanels(tokens, headDim));
            return panels;
        }

        HeadPanels(int tokens, int headDim) {
            this.tokens = tokens;
            this.headDim = headDim;
            keys = (tokens + NR - 1) / NR * NR;
            k = new float[keys * headDim];
            v = new float[(headDim + NR - 1) / NR * NR * tokens];
            scores = new float[MR * keys];
            p = probabilities(4L * MR * keys);
        }

        void attend(MemorySegment out, MemorySegment qkv, int b, int h, int width, float scale) {
            long stride = 3L * width, q0 = (long) b * tokens * stride + (long) h * headDim;
            MatmulPacking.packB(qkv, q0 + width, stride, true, 0, tokens, 0, headDim, k, 0);
            MatmulPacking.packB(qkv, q0 + 2L * width, stride, false, 0, headDim, 0, tokens, v, 0);
            for (int i = 0; i < tokens; i += MR) {
                int rows = Math.min(MR, tokens - i);
                for (int j = 0; j < tokens; j += NR) {
                    MatmulKernel.multiply(qkv, q0 + i * stride, stride, 1, rows, k, j * headDim, headDim, tile);
                    // Whole panels, padding keys included: they lie inside a row of scores, and softmax stops short of them.
                    for (int r = 0; r < rows; r++)
                        for (int c = 0; c < NR; c += L)
                            FloatVector.fromArray(S, tile, r * NR + c).mul(scale).intoArray(scores, r * keys + j + c);
                }
                for (int r = 0; r < rows; r++) {
                    Softmax.inPlace(scores, r * keys, tokens);
                    MemorySegment.copy(scores, r * keys, p, F32.LAYOUT, 4L * r * keys, tokens);
                }
                long o = ((long) b * tokens + i) * width + (long) h * headDim;
                for (int e = 0; e < headDim; e += NR) {
                    MatmulKernel.multiply(p, 0, keys, 1, rows, v, e * tokens, tokens, tile);
                    MatmulKernel.store(tile, rows, Math.min(NR, headDim - e), out, o + e, width, false, null, 0);
                }
            }
        }
    }

    /**
     * Gradient with respect to qkv, the probabilities P recomputed: {@code dV = Pᵀ·dO},
     * {@code dP = dO·Vᵀ}, {@code dS = P ⊙ (dP - rowsum(P ⊙ dP))}, {@code dQ = dS·K/√d},
     * {@code dK = dSᵀ·Q/√d}. The tokens × tokens matrices of one head live only in its task.
     */
    public static void backward(MemorySegment dqkv, MemorySegment dout, MemorySegment qkv,
                                int batch, int tokens, int heads, int headDim) {
        int width = heads * headDim;
        float scale = (float) (1 / Math.sqrt(headDim));
        Parallel.forRange(batch * heads, 2, (from, to) -> {
            HeadGradient gradient = new HeadGradient(tokens, headDim);
            for (int bh = from; bh < to; bh++) gradient.compute(dqkv, dout, qkv, bh / heads, bh % heads, width, scale);
        });
    }

    /** The backward pass of one (sequence, head), with its work arrays kept from one head to the next. */
    private static final class HeadGradient {
        final Head head;
        final int tokens, headDim, keys;
        final float[] p, ds, dO, vt, dq, dk, dv;

        HeadGradient(int tokens, int headDim) {
            head = new Head(tokens, headDim);
            this.tokens = tokens;
            this.headDim = headDim;
            keys = head.keys;
            p = new float[tokens * keys];
            ds = new float[tokens * keys];
            dO = new float[tokens * headDim];
            vt = new float[headDim * keys];
            dq = new float[tokens * headDim];
            dk = new float[tokens * headDim];
            dv = new float[tokens * headDim];
        }

        void compute(MemorySegment dqkv, MemorySegment dout, MemorySegment qkv, int b, int h, int width, float scale) {
            head.gather(qkv, b, h, width, scale);
            for (int i = 0; i < tokens; i++)
                F32.copy(dout, ((long) b * tokens + i) * width + (long) h * headDim, dO, i * headDim, headDim);
            transposed(head.v, tokens, headDim, keys, vt);
            for (int i0 = 0; i0 < tokens; i0 += ROWS) {
                int rows = Math.min(ROWS, tokens - i0);
                head.probabilities(i0, rows, p, i0 * keys);
                dots(dO, i0, rows, vt, keys, tokens, headDim, ds, i0 * keys); // dP, made dS below
            }
            int i = 0;
            for (; i + 4 <= tokens; i += 4) { // four rows' sums side by side: four independent chains, each in order
                int r0 = i * keys, r1 = r0 + keys, r2 = r1 + keys, r3 = r2 + keys;
                float dot0 = 0, dot1 = 0, dot2 = 0, dot3 = 0;
                for (int j = 0; j < tokens; j++) {
                    dot0 += p[r0 + j] * ds[r0 + j];
                    dot1 += p[r1 + j] * ds[r1 + j];
                    dot2 += p[r2 + j] * ds[r2 + j];
                    dot3 += p[r3 + j] * ds[r3 + j];
                }
                scoreGradient(p, ds, r0, tokens, dot0);
                scoreGradient(p, ds, r1, tokens, dot1);
                scoreGradient(p, ds, r2, tokens, dot2);
                scoreGradient(p, ds, r3, tokens, dot3);
            }
            for (; i < tokens; i++) {
                float dot = 0;
                for (int j = 0; j < tokens; j++) dot += p[i * keys + j] * ds[i * keys + j];
                scoreGradient(p, ds, i * keys, tokens, dot);
            }
            for (int i0 = 0; i0 < tokens; i0 += ROWS)
                mix(ds, i0 * keys, keys, 1, Math.min(ROWS, tokens - i0), head.k, tokens, headDim, dq, i0 * headDim);
            // dSᵀ and Pᵀ read in place: weight (row j, step i) at [i·keys + j].
            for (int j0 = 0; j0 < tokens; j0 += ROWS)
                mix(ds, j0, 1, keys, Math.min(ROWS, tokens - j0), head.q, tokens, headDim, dk, j0 * headDim);
            for (int j0 = 0; j0 < tokens; j0 += ROWS)
                mix(p, j0, 1, keys, Math.min(ROWS, tokens - j0), dO, tokens, headDim, dv, j0 * headDim);
            for (i = 0; i < tokens; i++) {
                long row = ((long) b * tokens + i) * 3 * width + (long) h * headDim;
                int d = 0;
                for (; d + L <= headDim; d += L)
                    FloatVector.fromArray(S, dq, i * headDim + d).mul(scale).intoArray(dq, i * headDim + d);
                for (; d < headDim; d++) dq[i * headDim + d] *= scale;
                F32.copy(dq, i * headDim, dqkv, row, headDim);
                F32.copy(dk, i * headDim, dqkv, row + width, headDim);
                F32.copy(dv, i * headDim, dqkv, row + 2L * width, headDim);
            }
        }
    }

    /** {@code ds[at + j] = p[at + j]·(ds[at + j] - dot)} for {@code j < n}. */
    private static void scoreGradient(float[] p, float[] ds, int at, int n, float dot) {
        int j = 0;
        for (; j + L <= n; j += L)
            FloatVector.fromArray(S, p, at + j).mul(FloatVector.fromArray(S, ds, at + j).sub(dot)).intoArray(ds, at + j);
        for (; j < n; j++) ds[at + j] = p[at + j] * (ds[at + j] - dot);
    }

    /** {@code m [count][d]} transposed into {@code out [d][keys]}. */
    private static void transposed(float[] m, int count, int d, int keys, float[] out) {
        for (int j = 0; j < count; j++) for (int e = 0; e < d; e++) out[e * keys + j] = m[j * d + e];
    }

    /**
     * {@code out[at + r·keys + j] = a[i0 + r]·b[j]} for {@code r < rows <= 4} rows of {@code a [·][d]}
     * and {@code j < count} columns of {@code bt [d][keys]} (b transposed).
     */
    private static void dots(float[] a, int i0, int rows, float[] bt, int keys, int count, int d, float[] out, int at) {
        int a0 = i0 * d, a1 = Math.min(i0 + 1, i0 + rows - 1) * d;
        int a2 = Math.min(i0 + 2, i0 + rows - 1) * d, a3 = Math.min(i0 + 3, i0 + rows - 1) * d;
        int j = 0;
        for (; j + 4 * L <= keys; j += 4 * L) dots4(a, a0, a1, a2, a3, rows, bt, keys, j, count, d, out, at);
        for (; j < keys; j += L) {
            FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
            for (int e = 0; e < d; e++) {
                FloatVector b = FloatVector.fromArray(S, bt, e * keys + j);
                c0 = b.fma(FloatVector.broadcast(S, a[a0 + e]), c0);
                c1 = b.fma(FloatVector.broadcast(S, a[a1 + e]), c1);
                c2 = b.fma(FloatVector.broadcast(S, a[a2 + e]), c2);
                c3 = b.fma(FloatVector.broadcast(S, a[a3 + e]), c3);
            }
            if (j + L <= count) { // whole vectors stored plainly: masked stores cost more
                c0.intoArray(out, at + j);
                if (rows > 1) c1.intoArray(out, at + keys + j);
                if (rows > 2) c2.intoArray(out, at + 2 * keys + j);
                if (rows > 3) c3.intoArray(out, at + 3 * keys + j);
                continue;
            }
            VectorMask<Float> inRange = S.indexInRange(j, count);
            c0.intoArray(out, at + j, inRange);
            if (rows > 1) c1.intoArray(out, at + keys + j, inRange);
            if (rows > 2) c2.intoArray(out, at + 2 * keys + j, inRange);
            if (rows > 3) c3.intoArray(out, at + 3 * keys + j, inRange);
        }
    }

    /**
     * {@link #dots} for the four vectors of keys from {@code j}: 16 accumulators, four loads of
     * Kᵀ and four broadcasts per 16 FMAs. Each sum runs over {@code e} in order, as in the one-vector loop.
     */
    private static void dots4(float[] a, int a0, int a1, int a2, int a3, int rows, float[] bt, int keys, int j, int count,
                              int d, float[] out, int at) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        for (int e = 0, row = j; e < d; e++, row += keys) {
            FloatVector b0 = FloatVector.fromArray(S, bt, row), b1 = FloatVector.fromArray(S, bt, row + L);
            FloatVector b2 = FloatVector.fromArray(S, bt, row + 2 * L), b3 = FloatVector.fromArray(S, bt, row + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + e]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01); c02 = b2.fma(x, c02); c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + e]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11); c12 = b2.fma(x, c12); c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2 + e]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21); c22 = b2.fma(x, c22); c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3 + e]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31); c32 = b2.fma(x, c32); c33 = b3.fma(x, c33);
        }
        // Whole vectors, padding columns included: they lie inside the row's stride and nothing reads them.
        int o = at + j;
        c00.intoArray(out, o); c01.intoArray(out, o + L); c02.intoArray(out, o + 2 * L); c03.intoArray(out, o + 3 * L);
        if (rows < 2) return;
        o += keys;
        c10.intoArray(out, o); c11.intoArray(out, o + L); c12.intoArray(out, o + 2 * L); c13.intoArray(out, o + 3 * L);
        if (rows < 3) return;
        o += keys;
        c20.intoArray(out, o); c21.intoArray(out, o + L); c22.intoArray(out, o + 2 * L); c23.intoArray(out, o + 3 * L);
        if (rows < 4) return;
        o += keys;
        c30.intoArray(out, o); c31.intoArray(out, o + L); c32.intoArray(out, o + 2 * L); c33.intoArray(out, o + 3 * L);
    }

    /**
     * {@code out[at + r·d ..] = Σ_{j < count} w[wAt + r·stride + j·step]·m[j]} for {@code r < rows <= 4}
     * rows of weights and rows of {@code m [count][d]}: 16 columns at a time, accumulated in registers.
     */
    private static void mix(float[] w, int wAt, int stride, int step, int rows, float[] m, int count, int d, float[] out, int at) {
        int e = 0;
        for (; e + 2 * L <= d; e += 2 * L) mixColumns2(w, wAt, stride, step, rows, m, count, d, out, at, e);
        for (; e + L <= d; e += L) mixColumns(w, wAt, stride, step, rows, m, count, d, out, at, e, null);
        if (e < d) mixColumns(w, wAt, stride, step, rows, m, count, d, out, at, e, S.indexInRange(e, d));
    }

    /** {@link #mix} for the 32 columns from {@code e}: 8 accumulators, two loads and four broadcasts per 8 FMAs, sums over {@code j} in order. */
    private static void mixColumns2(float[] w, int wAt, int stride, int step, int rows, float[] m, int count, int d, float[] out, int at, int e) {
        int w0 = wAt, w1 = wAt + Math.min(1, rows - 1) * stride;
        int w2 = wAt + Math.min(2, rows - 1) * stride, w3 = wAt + Math.min(3, rows - 1) * stride;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int j = 0, row = e, wj = 0; j < count; j++, row += d, wj += step) {
            FloatVector m0 = FloatVector.fromArray(S, m, row), m1 = FloatVector.fromArray(S, m, row + L);
            FloatVector x = FloatVector.broadcast(S, w[w0 + wj]);
            c00 = m0.fma(x, c00); c01 = m1.fma(x, c01);
            x = FloatVector.broadcast(S, w[w1 + wj]);
            c10 = m0.fma(x, c10); c11 = m1.fma(x, c11);
            x = FloatVector.broadcast(S, w[w2 + wj]);
            c20 = m0.fma(x, c20); c21 = m1.fma(x, c21);
            x = FloatVector.broadcast(S, w[w3 + wj]);
            c30 = m0.fma(x, c30); c31 = m1.fma(x, c31);
        }
        c00.intoArray(out, at + e); c01.intoArray(out, at + e + L);
        if (rows > 1) { c10.intoArray(out, at + d + e); c11.intoArray(out, at + d + e + L); }
        if (rows > 2) { c20.intoArray(out, at + 2 * d + e); c21.intoArray(out, at + 2 * d + e + L); }
        if (rows > 3) { c30.intoArray(out, at + 3 * d + e); c31.intoArray(out, at + 3 * d + e + L); }
    }

    /** {@link #mix} for the 16 columns from {@code e}; {@code part} masks the last, partial vector (null: a whole one). */
    private static void mixColumns(float[] w, int wAt, int stride, int step, int rows, float[] m, int count, int d, float[] out, int at,
                                   int e, VectorMask<Float> part) {
        int w0 = wAt, w1 = wAt + Math.min(1, rows - 1) * stride;
        int w2 = wAt + Math.min(2, rows - 1) * stride, w3 = wAt + Math.min(3, rows - 1) * stride;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int j = 0, wj = 0; j < count; j++, wj += step) {
            FloatVector mj = part == null ? FloatVector.fromArray(S, m, j * d + e) : FloatVector.fromArray(S, m, j * d + e, part);
            c0 = mj.fma(FloatVector.broadcast(S, w[w0 + wj]), c0);
            c1 = mj.fma(FloatVector.broadcast(S, w[w1 + wj]), c1);
            c2 = mj.fma(FloatVector.broadcast(S, w[w2 + wj]), c2);
            c3 = mj.fma(FloatVector.broadcast(S, w[w3 + wj]), c3);
        }
        if (part == null) {
            c0.intoArray(out, at + e);
            if (rows > 1) c1.intoArray(out, at + d + e);
            if (rows > 2) c2.intoArray(out, at + 2 * d + e);
            if (rows > 3) c3.intoArray(out, at + 3 * d + e);
        } else {
            c0.intoArray(out, at + e, part);
            if (rows > 1) c1.intoArray(out, at + d + e, part);
            if (rows > 2) c2.intoArray(out, at + 2 * d + e, part);
            if (rows > 3) c3.intoArray(out, at + 3 * d + e, part);
        }
    }
}
