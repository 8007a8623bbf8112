package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;

/** The pieces of gradient clipping: clearing a buffer and summing squares into it. */
public final class Norms {
    private Norms() {}

    /** {@code out[i] = value} for {@code i < n}. */
    public static void fill(MemorySegment out, long n, float value) {
        for (long i = 0; i < n; i++) F32.set(out, i, value);
    }

    /** {@code acc[0] += Σ x[i]²}, summed in float64 so that many small terms are not lost. */
    public static void accumulateSquares(MemorySegment acc, MemorySegment x, long n) {
        double sum = 0;
        for (long i = 0; i < n; i++) {
            double v = F32.get(x, i);
            sum += v * v;
        }
        F32.set(acc, 0, (float) (F32.get(acc, 0) + sum));
    }
}
