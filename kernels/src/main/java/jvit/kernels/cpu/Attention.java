package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Multi-head self-attention, {@code softmax(Q·Kᵀ/√d)·V} per (sequence, head), heads written side by
 * side. One task per (sequence, head): its Q, K and V are gathered into contiguous arrays, then the
 * scores, their softmax and the weighted sum of values are computed row by row.
 */
public final class Attention {
    private Attention() {}

    /** qkv {@code [batch, tokens, 3, heads, headDim]}; out {@code [batch, tokens, heads·headDim]}. */
    public static void forward(MemorySegment out, MemorySegment qkv, int batch, int tokens, int heads, int headDim) {
        int width = heads * headDim;
        float scale = (float) (1 / Math.sqrt(headDim));
        Parallel.forRange(batch * heads, 2, (from, to) -> {
            float[] q = new float[tokens * headDim], k = new float[tokens * headDim], v = new float[tokens * headDim];
            float[] scores = new float[tokens];
            float[] o = new float[headDim];
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                for (int t = 0; t < tokens; t++) {
                    long row = ((long) b * tokens + t) * 3 * width + (long) h * headDim;
                    F32.copy(qkv, row, q, t * headDim, headDim);
                    F32.copy(qkv, row + width, k, t * headDim, headDim);
                    F32.copy(qkv, row + 2L * width, v, t * headDim, headDim);
                }
                for (int i = 0; i < tokens; i++) {
                    for (int j = 0; j < tokens; j++) scores[j] = dot(q, i * headDim, k, j * headDim, headDim) * scale;
                    Softmax.inPlace(scores, tokens);
                    java.util.Arrays.fill(o, 0);
                    for (int j = 0; j < tokens; j++) axpy(scores[j], v, j * headDim, o, headDim);
                    F32.copy(o, 0, out, ((long) b * tokens + i) * width + (long) h * headDim, headDim);
                }
            }
        });
    }

    private static float dot(float[] x, int xi, float[] y, int yi, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) acc = FloatVector.fromArray(S, x, xi + i).fma(FloatVector.fromArray(S, y, yi + i), acc);
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += x[xi + i] * y[yi + i];
        return sum;
    }

    /** {@code y += a·x[xi..xi+n)}. */
    private static void axpy(float a, float[] x, int xi, float[] y, int n) {
        int i = 0;
        for (; i + L <= n; i += L)
            FloatVector.fromArray(S, x, xi + i).fma(FloatVector.broadcast(S, a), FloatVector.fromArray(S, y, i)).intoArray(y, i);
        for (; i < n; i++) y[i] += a * x[xi + i];
    }
}
