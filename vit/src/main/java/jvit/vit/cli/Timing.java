package jvit.vit.cli;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Repeated timings of one piece of work: warm-up runs first (not counted), then the median and
 * spread of the counted runs. The median is what to quote on a shared, noisy machine.
 */
record Timing(long[] nanos) {
    /**
     * Runs {@code once} (returning its own nanoseconds) at least {@code warmup} times and for at least
     * {@code warmupSeconds}, then {@code runs} times counted. The time floor matters on the {@code java}
     * device: the JIT compiles a small kernel's Vector API code only after some hundreds of runs, and
     * until then it runs about 100x slower.
     */
    static Timing measure(int warmup, double warmupSeconds, int runs, LongSupplier once) {
        long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < warmup || System.nanoTime() < end; i++) once.getAsLong();
        long[] t = new long[runs];
        for (int i = 0; i < runs; i++) t[i] = once.getAsLong();
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
