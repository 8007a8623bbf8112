package jvit.bench;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import jvit.vit.report.CpuClock;

/**
 * One round of bench/matmul-vs-numpy.sh, jvit's side: an {@code n×n×n} float32 matmul on a
 * device ({@code java}, {@code opencl:0}, ...) as a one-task graph with its inputs resident, in
 * both layouts, warmed up, then timed call by call for a while; prints one line per layout,
 * {@code <layout> <median GFLOP/s> <calls>}, for the script to compare with NumPy's
 * {@code a @ b} and {@code a @ b.T}. {@code clock} instead prints the core clock in GHz, from a
 * chain of dependent adds (one a cycle), for the peak the floor is measured against;
 * {@code describe --device D} the device's name and driver, for the report.
 *
 * <p>Usage: {@code MatmulVsPeer [--device D] [n (2048)] [seconds (5)]}, {@code MatmulVsPeer clock} or
 * {@code MatmulVsPeer describe --device D}.
 */
public final class MatmulVsPeer {
    private MatmulVsPeer() {}

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("clock")) {
            System.out.printf("%.3f%n", CpuClock.ghz(5, 1_000_000_000L));
            return;
        }
        if (args.length == 3 && args[0].equals("describe")) {
            System.out.println(describe(Devices.get(args[2])));
            return;
        }
        String deviceId = "java";
        if (args.length >= 2 && args[0].equals("--device")) {
            deviceId = args[1];
            args = Arrays.copyOfRange(args, 2, args.length);
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        Device device = Devices.get(deviceId);
        try (Arena arena = Arena.ofShared()) {
            Tensor a = Tensor.of("a", Inputs.random(arena, (long) n * n, 1), n, n);
            Tensor b = Tensor.of("b", Inputs.random(arena, (long) n * n, 2), n, n);
            for (boolean transposedB : new boolean[] {false, true}) {
                var graph = new TaskGraph("matmul")
                        .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
                        .task("matmul", new Op.Matmul(1, n, n, n, false, transposedB, false, Activation.NONE), Tensor.onDevice("c", n, n), a, b)
                        .snapshot();
                try (var plan = new ExecutionPlan(graph, device)) {
                    plan.execute(); // copies the inputs in, builds the kernels
                    double[] gflops = time(plan, n, seconds);
                    System.out.printf("%s %.1f %d%n", transposedB ? "a@b.T" : "a@b", median(gflops), gflops.length);
                }
            }
        }
    }

    /** The device's name, and its platform, driver and version where it has them. */
    private static String describe(Device device) {
        var p = device.properties();
        String details = Stream.of("platform", "driver", "version", "jdk").filter(p::containsKey)
                .map(k -> k + " " + p.get(k)).collect(Collectors.joining(", "));
        return device.name() + (details.isEmpty() ? "" : " (" + details + ")");
    }

    /** GFLOP/s of each execution after a warm-up of a third of {@code seconds}. */
    private static double[] time(ExecutionPlan plan, int n, double seconds) {
        long warm = System.nanoTime() + (long) (seconds / 3 * 1e9);
        while (System.nanoTime() < warm) plan.execute();
        double[] gflops = new double[16];
        int calls = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end || calls < 3) {
            long start = System.nanoTime();
            plan.execute();
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
}
