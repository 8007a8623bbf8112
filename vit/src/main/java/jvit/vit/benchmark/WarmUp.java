package jvit.vit.benchmark;

import java.util.function.LongSupplier;

/**
 * Untimed runs before a measurement: at least a number of them and for at least a time. The time
 * floor matters on the {@code java} device, whose kernels run about 100x slower until the JIT has
 * compiled their Vector API code, after some hundreds of runs for a small kernel.
 */
public final class WarmUp {
    private WarmUp() {}

    /** Runs {@code once} (returning its own nanoseconds) {@code runs} times and for {@code seconds}; the last {@code runs} times. */
    public static long[] run(LongSupplier once, int runs, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long[] last = new long[runs];
        for (int i = 0; i < runs || System.nanoTime() < end; i++) {
            long t = once.getAsLong();
            if (runs > 0) last[i % runs] = t;
        }
        return last;
    }
}
