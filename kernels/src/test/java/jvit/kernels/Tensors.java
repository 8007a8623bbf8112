package jvit.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Test helpers: random inputs, NaN-poisoned outputs, and comparison with a float64 reference. */
public final class Tensors {
    private Tensors() {}

    /** The system property that replays a seed: {@code mvn test -Dtest=... -Djvit.test.seed=N}. */
    public static final String SEED_PROPERTY = "jvit.test.seed";

    /**
     * A fresh seed per run, or the one {@value #SEED_PROPERTY} gives; failures print it (the
     * generator's {@code toString}) with the option that replays it.
     */
    public static Random random() {
        String given = System.getProperty(SEED_PROPERTY);
        long seed = given != null ? Long.parseLong(given.trim()) : System.nanoTime();
        return new Random(seed) {
            @Override
            public String toString() { return "seed " + seed + " (replay: -D" + SEED_PROPERTY + "=" + seed + ")"; }
        };
    }

    /**
     * Rows that sit far from zero against their spread, the case where LayerNorm's mean, rounded
     * to float, is off by more than the deviations can bear: row r is a common offset (300, -3000,
     * 25000 in turn) plus uniform values of a spread from 1 down to 0.01, rounded to float32.
     */
    public static double[] offsetRows(Random random, int rows, int dim) {
        double[] offsets = {300, -3000, 25000}, spreads = {1, 0.1, 0.01};
        double[] x = new double[rows * dim];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < dim; i++)
                x[r * dim + i] = (float) (offsets[r % 3] + spreads[(r / 3) % 3] * (random.nextDouble() * 2 - 1));
        return x;
    }

    /** Uniform values in [-scale, scale). */
    public static double[] uniform(Random random, int n, double scale) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = (random.nextDouble() * 2 - 1) * scale;
        return x;
    }

    /** The values rounded to float32, so the reference sees exactly what the kernel sees. */
    /**
     * {@code n} different values, multiples of 1/64 (exact in float32) in random order: no ties,
     * and gaps far wider than a finite difference's step, for what takes a maximum.
     */
    public static double[] distinct(Random random, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = (i - n / 2) / 64.0;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
        return x;
    }

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
