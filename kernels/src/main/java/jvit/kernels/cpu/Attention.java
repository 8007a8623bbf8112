package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Multi-head self-attention, {@code softmax(Q·Kᵀ/√d)·V} per (sequence, head), heads written side by
 * side. One task per (sequence, head): Q (pre-scaled by 1/√d) and V are gathered row-major and K
 * transposed, so that scores for 16 keys at a time are a broadcast-FMA over d (no horizontal
 * sums), four query rows sharing each load of Kᵀ; then a softmax per row and the weighted sum
 * of value rows.
 */
public final class Attention {
    private static final int ROWS = 4;

    private Attention() {}

    /** qkv {@code [batch, tokens, 3, heads, headDim]}; out {@code [batch, tokens, heads·headDim]}. */
    public static void forward(MemorySegment out, MemorySegment qkv, int batch, int tokens, int heads, int headDim) {
        int width = heads * headDim;
        float scale = (float) (1 / Math.sqrt(headDim));
        int keys = S.loopBound(tokens + L - 1); // tokens rounded up to whole vectors; the padding is masked
        Parallel.forRange(batch * heads, 2, (from, to) -> {
            float[] q = new float[tokens * headDim], v = new float[tokens * headDim];
            float[] kt = new float[headDim * keys];
            float[] scores = new float[ROWS * keys];
            float[] o = new float[ROWS * headDim];
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                gather(qkv, b, h, tokens, width, headDim, scale, q, kt, keys, v);
                for (int i0 = 0; i0 < tokens; i0 += ROWS) {
                    int rows = Math.min(ROWS, tokens - i0);
                    scores(q, i0, rows, kt, keys, tokens, headDim, scores);
                    for (int r = 0; r < rows; r++) Softmax.inPlace(scores, r * keys, tokens);
                    weightedValues(scores, rows, keys, v, tokens, headDim, o);
                    for (int r = 0; r < rows; r++)
                        F32.copy(o, r * headDim, out, ((long) b * tokens + i0 + r) * width + (long) h * headDim, headDim);
                }
            }
        });
    }

    /** Q·(1/√d) and V row-major, K transposed to {@code [headDim][keys]} with zero padding. */
    private static void gather(MemorySegment qkv, int b, int h, int tokens, int width, int headDim, float scale,
                               float[] q, float[] kt, int keys, float[] v) {
        for (int t = 0; t < tokens; t++) {
            long row = ((long) b * tokens + t) * 3 * width + (long) h * headDim;
            F32.copy(qkv, row, q, t * headDim, headDim);
            for (int d = 0; d < headDim; d++) {
                q[t * headDim + d] *= scale;
                kt[d * keys + t] = F32.get(qkv, row + width + d);
            }
            F32.copy(qkv, row + 2L * width, v, t * headDim, headDim);
        }
    }

    /** {@code scores[r][j] = q[i0 + r]·k[j]} for {@code rows <= 4} query rows and every key. */
    private static void scores(float[] q, int i0, int rows, float[] kt, int keys, int tokens, int headDim, float[] scores) {
        int q0 = i0 * headDim, q1 = Math.min(i0 + 1, i0 + rows - 1) * headDim;
        int q2 = Math.min(i0 + 2, i0 + rows - 1) * headDim, q3 = Math.min(i0 + 3, i0 + rows - 1) * headDim;
        for (int j = 0; j < keys; j += L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int d = 0; d < headDim; d++) {
                FloatVector k = FloatVector.fromArray(S, kt, d * keys + j);
                a0 = k.fma(FloatVector.broadcast(S, q[q0 + d]), a0);
                a1 = k.fma(FloatVector.broadcast(S, q[q1 + d]), a1);
                a2 = k.fma(FloatVector.broadcast(S, q[q2 + d]), a2);
                a3 = k.fma(FloatVector.broadcast(S, q[q3 + d]), a3);
            }
            VectorMask<Float> inRange = S.indexInRange(j, tokens);
            a0.intoArray(scores, j, inRange);
            if (rows > 1) a1.intoArray(scores, keys + j, inRange);
            if (rows > 2) a2.intoArray(scores, 2 * keys + j, inRange);
            if (rows > 3) a3.intoArray(scores, 3 * keys + j, inRange);
        }
    }

    /**
     * {@code o[r] = Σ_j p[r][j]·v[j]} for {@code rows <= 4} rows of probabilities: 16 columns of
     * the head at a time, accumulated in registers over all keys, one load of v per four FMAs.
     */
    private static void weightedValues(float[] p, int rows, int keys, float[] v, int tokens, int headDim, float[] o) {
        int p1 = Math.min(1, rows - 1) * keys, p2 = Math.min(2, rows - 1) * keys, p3 = Math.min(3, rows - 1) * keys;
        for (int d = 0; d < headDim; d += L) {
            VectorMask<Float> inHead = S.indexInRange(d, headDim);
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int j = 0; j < tokens; j++) {
                FloatVector vj = FloatVector.fromArray(S, v, j * headDim + d, inHead);
                a0 = vj.fma(FloatVector.broadcast(S, p[j]), a0);
                a1 = vj.fma(FloatVector.broadcast(S, p[p1 + j]), a1);
                a2 = vj.fma(FloatVector.broadcast(S, p[p2 + j]), a2);
                a3 = vj.fma(FloatVector.broadcast(S, p[p3 + j]), a3);
            }
            a0.intoArray(o, d, inHead);
            if (rows > 1) a1.intoArray(o, headDim + d, inHead);
            if (rows > 2) a2.intoArray(o, 2 * headDim + d, inHead);
            if (rows > 3) a3.intoArray(o, 3 * headDim + d, inHead);
        }
    }
}
