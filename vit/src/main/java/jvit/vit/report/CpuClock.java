package jvit.vit.report;

/**
 * The clock a core runs at now, from a chain of dependent integer operations (xor, add), which
 * retire one a cycle: the clock a CPU's peak is reckoned at, as it boosts above its nominal one.
 */
public final class CpuClock {
    private CpuClock() {}

    /** The best of {@code runs} chains of {@code 2 × iterations} operations, in GHz: other jobs only ever slow one down. */
    public static double ghz(int runs, long iterations) {
        double best = 0;
        long sink = 0;
        for (int run = 0; run < runs; run++) {
            long x = System.nanoTime(), y = x;
            long start = System.nanoTime();
            for (long i = 0; i < iterations; i++) {
                x = (x ^ i) + y;
                y = x;
            }
            best = Math.max(best, 2.0 * iterations / (System.nanoTime() - start));
            sink += x;
        }
        if (sink == 42) System.out.print(""); // keeps the chain from being optimised away
        return best;
    }
}
