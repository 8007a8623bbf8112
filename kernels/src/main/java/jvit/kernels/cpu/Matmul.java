package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jvit.kernels.Op.Activation;

/**
 * Matrix multiplication, {@code C[b] = A[b]·op(B[b]) (+ bias) (then activation)}. See
 * {@link jvit.kernels.Op.Matmul} for the layouts.
 */
public final class Matmul {
    private Matmul() {}

    /**
     * @param bias {@code [n]}, or {@code null}
     * @param transposedB B is {@code [n, k]} (A·Bᵀ) rather than {@code [k, n]} (A·B)
     */
    public static void forward(MemorySegment c, MemorySegment a, MemorySegment b, MemorySegment bias,
                               int batch, int m, int n, int k, boolean transposedB, Activation activation) {
        Parallel.forRange(batch * m, (from, to) -> {
            float[] row = new float[k];
            float[] out = new float[n];
            float[] col = transposedB ? null : new float[k];
            for (int r = from; r < to; r++) {
                int bi = r / m;
                long bBase = (long) bi * n * k;
                F32.copy(a, (long) r * k, row, 0, k);
                for (int j = 0; j < n; j++) {
                    if (transposedB) {
                        out[j] = dot(row, b, bBase + (long) j * k, k);
                    } else {
                        for (int p = 0; p < k; p++) col[p] = F32.get(b, bBase + (long) p * n + j);
                        out[j] = dot(row, col, k);
                    }
                }
                for (int j = 0; j < n; j++) {
                    float v = out[j] + (bias == null ? 0 : F32.get(bias, j));
                    out[j] = activation == Activation.GELU ? Gelu.apply(v) : v;
                }
                F32.copy(out, 0, c, (long) r * n, n);
            }
        });
    }

    private static float dot(float[] x, MemorySegment y, long yBase, int k) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= k; i += L) acc = FloatVector.fromArray(S, x, i).fma(F32.load(y, yBase + i), acc);
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < k; i++) sum += x[i] * F32.get(y, yBase + i);
        return sum;
    }

    private static float dot(float[] x, float[] y, int k) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= k; i += L) acc = FloatVector.fromArray(S, x, i).fma(FloatVector.fromArray(S, y, i), acc);
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < k; i++) sum += x[i] * y[i];
        return sum;
    }
}
