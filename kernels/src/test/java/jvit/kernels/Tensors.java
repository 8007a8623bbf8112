package jvit.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Test helpers: random inputs, NaN-poisoned outputs, and comparison with a float64 reference. */
public final class Tensors {
    private Tensors() {}

    /**
     * A fresh seed per run, printed by failures, so that a failure can be reproduced: run the failing
     * test again with {@code -Djvit.test.seed=<the seed printed>}.
     */
    public static Random random() {
        long seed = Long.getLong("jvit.test.seed", System.nanoTime());
        return new Random(seed) {
            @Override
            public String toString() { return "seed " + seed; }
        };
    }

    /** Uniform values in [-scale, scale). */
    public static double[] uniform(Random random, int n, double scale) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = (random.nextDouble() * 2 - 1) * scale;
        return x;
    }

    /** The values rounded to float32, so the reference sees exactly what the kernel sees. */
    public static double[] roundToFloat(double[] x) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = (float) x[i];
        return r;
    }

    /** An off-heap float32 copy of {@code x}. */
    public static MemorySegment segment(Arena arena, double[] x) {
        MemorySegment s = arena.allocate(4L * Math.max(1, x.length), 64);
        for (int i = 0; i < x.length; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) x[i]);
        return s;
    }

    /** An off-heap float32 tensor of {@code n} NaNs, so that an element the kernel leaves unwritten fails. */
    public static MemorySegment poisoned(Arena arena, long n) {
        MemorySegment s = arena.allocate(4L * Math.max(1, n), 64);
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, Float.NaN);
        return s;
    }

    public static double[] toDoubles(MemorySegment s, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
        return x;
    }

    /**
     * Fails unless every {@code |actual - expected| <= atol + rtol·|expected|}; NaN and infinities
     * in {@code actual} always fail. Names the first bad element and the worst error.
     */
    public static void assertClose(String what, double[] expected, MemorySegment actual, double rtol, double atol) {
        assertClose(what, expected, toDoubles(actual, expected.length), rtol, atol);
    }

    public static void assertClose(String what, double[] expected, double[] actual, double rtol, double atol) {
        int bad = -1;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            double excess = err / (atol + rtol * Math.abs(expected[i]));
            if (!Double.isFinite(actual[i]) || excess > 1) {
                if (bad < 0) bad = i;
            }
            if (Double.isFinite(actual[i])) worst = Math.max(worst, excess);
        }
        if (bad >= 0)
            fail(String.format("%s: element %d of %d is %s, expected %s (worst error %.3g of the tolerance)",
                    what, bad, expected.length, actual[bad], expected[bad], worst));
    }
}
