package jvit.vit.report;

import java.util.List;

/**
 * One case timed on one device in rounds (warm-up excluded), the rounds alternating with the
 * other devices'. The figure is the median of all timed runs; its spread is how far the rounds'
 * medians lie apart, (max - min) / median, which a slow period on a shared machine widens.
 */
public record Measurement(List<long[]> rounds) {
    /** Above this spread a figure is marked unstable. */
    public static final double UNSTABLE_SPREAD = 0.10;

    public Measurement {
        if (rounds.isEmpty()) throw new IllegalArgumentException("no rounds");
        rounds = rounds.stream().map(long[]::clone).toList();
    }

    /** Every timed run of every round. */
    public Latencies all() {
        return Latencies.of(rounds.stream().flatMapToLong(java.util.Arrays::stream).toArray());
    }

    /** The figure: the median run. */
    public double seconds() { return all().p50() / 1e9; }

    /** Each round's median run, in nanoseconds. */
    public Latencies roundMedians() {
        return Latencies.of(rounds.stream().mapToLong(r -> Math.round(Latencies.of(r).p50())).toArray());
    }

    /** (max - min) / median of the rounds' medians; with one round, of its runs. */
    public double spread() {
        Latencies l = rounds.size() > 1 ? roundMedians() : all();
        return (l.max() - l.min()) / l.p50();
    }

    public boolean unstable() { return spread() > UNSTABLE_SPREAD; }

    /** The fastest run, in seconds: how fast the device can do this when nothing else runs. */
    public double bestSeconds() { return all().min() / 1e9; }
}
