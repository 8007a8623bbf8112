package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Multi-head self-attention, {@code softmax(Q·Kᵀ/√d)·V} per (sequence, head), heads written side by
 * side, and its backward pass. One task per (sequence, head): Q (pre-scaled by 1/√d), K and V are
 * gathered, K also transposed, so that a row of scores is a broadcast-FMA over d for 16 keys at a
 * time (no horizontal sums), four query rows sharing each load; weighted sums of rows accumulate
 * in registers over all keys, one load per four FMAs.
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
                for (int d = 0; d < headDim; d++) {
                    q[t * headDim + d] *= scale;
                    kt[d * keys + t] = k[t * headDim + d];
                }
            }
        }

        /** Row {@code i0 .. i0 + rows} of the probabilities {@code softmax(Q·Kᵀ/√d)}, written at {@code p[at..]} with stride {@code keys}. */
        void probabilities(int i0, int rows, float[] p, int at) {
            dots(q, i0, rows, kt, keys, tokens, headDim, p, at);
            for (int r = 0; r < rows; r++) Softmax.inPlace(p, at + r * keys, tokens);
        }
    }

    /** qkv {@code [batch, tokens, 3, heads, headDim]}; out {@code [batch, tokens, heads·headDim]}. */
    public static void forward(MemorySegment out, MemorySegment qkv, int batch, int tokens, int heads, int headDim) {
        int width = heads * headDim;
        float scale = (float) (1 / Math.sqrt(headDim));
        Parallel.forRange(batch * heads, 2, (from, to) -> {
            Head head = new Head(tokens, headDim);
            float[] scores = new float[ROWS * head.keys];
            float[] o = new float[ROWS * headDim];
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                head.gather(qkv, b, h, width, scale);
                for (int i0 = 0; i0 < tokens; i0 += ROWS) {
                    int rows = Math.min(ROWS, tokens - i0);
                    head.probabilities(i0, rows, scores, 0);
                    mix(scores, 0, head.keys, rows, head.v, tokens, headDim, o, 0);
                    for (int r = 0; r < rows; r++)
                        F32.copy(o, r * headDim, out, ((long) b * tokens + i0 + r) * width + (long) h * headDim, headDim);
                }
            }
        });
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
        final float[] p, ds, t, dO, vt, dq, dk, dv;

        HeadGradient(int tokens, int headDim) {
            head = new Head(tokens, headDim);
            this.tokens = tokens;
            this.headDim = headDim;
            keys = head.keys;
            p = new float[tokens * keys];
            ds = new float[tokens * keys];
            t = new float[tokens * keys];
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
            for (int i = 0; i < tokens; i++) {
                float dot = 0;
                for (int j = 0; j < tokens; j++) dot += p[i * keys + j] * ds[i * keys + j];
                for (int j = 0; j < tokens; j++) ds[i * keys + j] = p[i * keys + j] * (ds[i * keys + j] - dot);
            }
            for (int i0 = 0; i0 < tokens; i0 += ROWS)
                mix(ds, i0 * keys, keys, Math.min(ROWS, tokens - i0), head.k, tokens, headDim, dq, i0 * headDim);
            transpose(ds, tokens, keys, t);
            for (int j0 = 0; j0 < tokens; j0 += ROWS)
                mix(t, j0 * keys, keys, Math.min(ROWS, tokens - j0), head.q, tokens, headDim, dk, j0 * headDim);
            transpose(p, tokens, keys, t);
            for (int j0 = 0; j0 < tokens; j0 += ROWS)
                mix(t, j0 * keys, keys, Math.min(ROWS, tokens - j0), dO, tokens, headDim, dv, j0 * headDim);
            for (int i = 0; i < tokens; i++) {
                long row = ((long) b * tokens + i) * 3 * width + (long) h * headDim;
                for (int d = 0; d < headDim; d++) dq[i * headDim + d] *= scale;
                F32.copy(dq, i * headDim, dqkv, row, headDim);
                F32.copy(dk, i * headDim, dqkv, row + width, headDim);
                F32.copy(dv, i * headDim, dqkv, row + 2L * width, headDim);
            }
        }
    }

    /** {@code m [count][d]} transposed into {@code out [d][keys]}. */
    private static void transposed(float[] m, int count, int d, int keys, float[] out) {
        for (int j = 0; j < count; j++) for (int e = 0; e < d; e++) out[e * keys + j] = m[j * d + e];
    }

    /** The square {@code tokens × tokens} part of {@code m} (row stride {@code keys}) transposed into {@code out}, same stride. */
    private static void transpose(float[] m, int tokens, int keys, float[] out) {
        for (int i = 0; i < tokens; i++) for (int j = 0; j < tokens; j++) out[j * keys + i] = m[i * keys + j];
    }

    /**
     * {@code out[at + r·keys + j] = a[i0 + r]·b[j]} for {@code r < rows <= 4} rows of {@code a [·][d]}
     * and {@code j < count} columns of {@code bt [d][keys]} (b transposed).
     */
    private static void dots(float[] a, int i0, int rows, float[] bt, int keys, int count, int d, float[] out, int at) {
        int a0 = i0 * d, a1 = Math.min(i0 + 1, i0 + rows - 1) * d;
        int a2 = Math.min(i0 + 2, i0 + rows - 1) * d, a3 = Math.min(i0 + 3, i0 + rows - 1) * d;
        for (int j = 0; j < keys; j += L) {
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
     * {@code out[at + r·d ..] = Σ_{j < count} w[wAt + r·stride + j]·m[j]} for {@code r < rows <= 4}
     * rows of weights and rows of {@code m [count][d]}: 16 columns at a time, accumulated in registers.
     */
    private static void mix(float[] w, int wAt, int stride, int rows, float[] m, int count, int d, float[] out, int at) {
        int e = 0;
        for (; e + L <= d; e += L) mixColumns(w, wAt, stride, rows, m, count, d, out, at, e, null);
        if (e < d) mixColumns(w, wAt, stride, rows, m, count, d, out, at, e, S.indexInRange(e, d));
    }

    /** {@link #mix} for the 16 columns from {@code e}; {@code part} masks the last, partial vector (null: a whole one). */
    private static void mixColumns(float[] w, int wAt, int stride, int rows, float[] m, int count, int d, float[] out, int at,
                                   int e, VectorMask<Float> part) {
        int w0 = wAt, w1 = wAt + Math.min(1, rows - 1) * stride;
        int w2 = wAt + Math.min(2, rows - 1) * stride, w3 = wAt + Math.min(3, rows - 1) * stride;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int j = 0; j < count; j++) {
            FloatVector mj = part == null ? FloatVector.fromArray(S, m, j * d + e) : FloatVector.fromArray(S, m, j * d + e, part);
            c0 = mj.fma(FloatVector.broadcast(S, w[w0 + j]), c0);
            c1 = mj.fma(FloatVector.broadcast(S, w[w1 + j]), c1);
            c2 = mj.fma(FloatVector.broadcast(S, w[w2 + j]), c2);
            c3 = mj.fma(FloatVector.broadcast(S, w[w3 + j]), c3);
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
