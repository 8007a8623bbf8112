package jvit.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jvit.kernels.Op.Activation;
import jvit.kernels.cpu.Matmul;

/**
 * One round of bench/matmul-vs-numpy.sh, the Java side: {@code n×n×n} float32 {@link Matmul} in
 * both layouts, warmed up, then timed call by call for a while; prints one line per layout,
 * {@code <layout> <median GFLOP/s> <calls>}, for the script to compare with NumPy's
 * {@code a @ b} and {@code a @ b.T}. {@code clock} instead prints the core clock in GHz, from a
 * chain of dependent adds (one a cycle), for the peak the floor is measured against.
 */
public final class MatmulVsPeer {
    private MatmulVsPeer() {}

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("clock")) {
            System.out.printf("%.3f%n", clockGhz());
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = Inputs.random(arena, (long) n * n, 1), b = Inputs.random(arena, (long) n * n, 2);
            MemorySegment c = arena.allocate(4L * n * n, 64);
            for (boolean transposedB : new boolean[] {false, true}) {
                double[] gflops = time(c, a, b, n, transposedB, seconds);
                System.out.printf("%s %.1f %d%n", transposedB ? "a@b.T" : "a@b", median(gflops), gflops.length);
            }
        }
    }

    /** GFLOP/s of each call after a warm-up of a third of {@code seconds}. */
    private static double[] time(MemorySegment c, MemorySegment a, MemorySegment b, int n, boolean transposedB,
                                 double seconds) {
        long warm = System.nanoTime() + (long) (seconds / 3 * 1e9);
        while (System.nanoTime() < warm) Matmul.forward(c, a, b, null, 1, n, n, n, transposedB, Activation.NONE);
        double[] gflops = new double[16];
        int calls = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end || calls < 3) {
            long start = System.nanoTime();
            Matmul.forward(c, a, b, null, 1, n, n, n, transposedB, Activation.NONE);
            if (calls == gflops.length) gflops = Arrays.copyOf(gflops, 2 * calls);
            gflops[calls++] = 2.0 * n * n * n / (System.nanoTime() - start);
        }
        return Arrays.copyOf(gflops, calls);
    }

    private static double median(double[] x) {
        double[] sorted = x.clone();
        Arrays.sort(sorted);
        int h = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
    }

    /** The best of a few runs of 2·10⁹ dependent integer ops (xor, add: one cycle each). */
    private static double clockGhz() {
        double best = 0;
        long sink = 0;
        for (int run = 0; run < 5; run++) {
            long x = System.nanoTime(), y = x;
            long start = System.nanoTime();
            for (long i = 0; i < 1_000_000_000L; i++) {
                x = (x ^ i) + y;
                y = x;
            }
            best = Math.max(best, 2e9 / (System.nanoTime() - start));
            sink += x;
        }
        if (sink == 42) System.out.print("");
        return best;
    }
}
