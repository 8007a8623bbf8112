package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Layer normalisation over the last dimension, with a learned scale and shift. */
public final class LayerNorm {
    private LayerNorm() {}

    /**
     * {@code out[r] = (x[r] - mean) / sqrt(var + eps) * gamma + beta} for each of {@code rows} rows
     * of {@code dim}. Mean and variance by the corrected two-pass algorithm (Chan, Golub &
     * LeVeque): deviations from a first estimate of the mean, whose sum corrects that estimate.
     * {@code E[x²] - E[x]²} would cancel badly when the mean is large against the spread.
     */
    public static void forward(MemorySegment out, MemorySegment x, MemorySegment gamma, MemorySegment beta,
                               int rows, int dim, float eps) {
        Parallel.forRange(rows, (from, to) -> {
            for (int r = from; r < to; r++) row(out, x, gamma, beta, (long) r * dim, dim, eps);
        });
    }

    private static void row(MemorySegment out, MemorySegment x, MemorySegment gamma, MemorySegment beta,
                            long base, int dim, float eps) {
        int upper = S.loopBound(dim);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < upper; i += L) acc = acc.add(F32.load(x, base + i));
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) sum += F32.get(x, base + i);
        float mean = sum / dim;

        acc = FloatVector.zero(S);
        FloatVector deviations = FloatVector.zero(S);
        for (i = 0; i < upper; i += L) {
            FloatVector d = F32.load(x, base + i).sub(mean);
            deviations = deviations.add(d);
            acc = d.fma(d, acc);
        }
        float squares = acc.reduceLanes(VectorOperators.ADD), residual = deviations.reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) {
            float d = F32.get(x, base + i) - mean;
            residual += d;
            squares += d * d;
        }
        mean += residual / dim;
        float variance = Math.max(0, (squares - residual * residual / dim) / dim);
        float inv = (float) (1 / Math.sqrt(variance + eps));

        for (i = 0; i < upper; i += L) {
            FloatVector y = F32.load(x, base + i).sub(mean).mul(inv);
            F32.store(y.fma(F32.load(gamma, i), F32.load(beta, i)), out, base + i);
        }
        for (; i < dim; i++)
            F32.set(out, base + i, (F32.get(x, base + i) - mean) * inv * F32.get(gamma, i) + F32.get(beta, i));
    }
}
