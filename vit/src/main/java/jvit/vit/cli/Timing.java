package jvit.vit.cli;

import java.util.Arrays;
import java.util.function.LongSupplier;
import jvit.vit.benchmark.WarmUp;

/**
 * Repeated timings of one piece of work: warm-up runs first (not counted), then the median and
 * spread of the counted runs. The median is what to quote on a shared, noisy machine.
 */
record Timing(long[] nanos) {
    /** Runs {@code once} (returning its own nanoseconds) after a {@link WarmUp} of {@code warmup} runs and {@code warmupSeconds}, then {@code runs} times counted. */
    static Timing measure(int warmup, double warmupSeconds, int runs, LongSupplier once) {
        WarmUp.run(once, warmup, warmupSeconds);
        long[] t = new long[runs];
        for (int i = 0; i < runs; i++) t[i] = once.getAsLong();
        Arrays.sort(t);
        return new Timing(t);
    }

    /** Runs already timed, in any order. */
    static Timing of(java.util.List<Long> nanos) {
        long[] t = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(t);
        return new Timing(t);
    }

    double medianSeconds() {
        int n = nanos.length;
        return (n % 2 == 1 ? nanos[n / 2] : (nanos[n / 2 - 1] + nanos[n / 2]) / 2.0) / 1e9;
    }

    double minSeconds() { return nanos[0] / 1e9; }

    double maxSeconds() { return nanos[nanos.length - 1] / 1e9; }

    /** (max - min) / median: above 0.1 the machine was too noisy for the figure to be trusted. */
    double spread() { return (maxSeconds() - minSeconds()) / medianSeconds(); }
}
