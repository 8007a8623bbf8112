package jvit.vit.report;

import java.util.Arrays;

/** Timed runs of one piece of work, in nanoseconds, sorted: percentiles, minimum and maximum. */
public record Latencies(long[] sorted) {
    public Latencies {
        if (sorted.length == 0) throw new IllegalArgumentException("no timed runs");
        sorted = sorted.clone();
        Arrays.sort(sorted);
    }

    public static Latencies of(long... nanos) {
        return new Latencies(nanos);
    }

    /** The {@code p}-th percentile (0..100), interpolated between the nearest runs as NumPy's default does. */
    public double percentile(double p) {
        double rank = p / 100 * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    public double p50() { return percentile(50); }

    public double p99() { return percentile(99); }

    public long min() { return sorted[0]; }

    public long max() { return sorted[sorted.length - 1]; }

    public int count() { return sorted.length; }
}
