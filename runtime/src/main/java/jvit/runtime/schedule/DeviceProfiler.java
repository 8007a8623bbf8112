package jvit.runtime.schedule;

import java.lang.foreign.Arena;
import java.util.SortedMap;
import java.util.TreeMap;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;

/**
 * Measures a device's {@link DeviceProfile} with small task graphs run through the device's own
 * execution plans, so that what is measured is what the scheduler will run. Each figure is the best
 * of a few runs after a warm-up: on a shared machine the best is the least disturbed. A few seconds.
 */
public final class DeviceProfiler {
    static final int[] MATMUL_SIZES = {128, 256, 512};
    private static final int RUNS = 5;
    /** 16 MiB per array: well past the caches of the CPUs measured here. */
    private static final int STREAM_FLOATS = 4 << 20;
    private static final int LAUNCHES = 64;
    /**
     * Warm-up before the first figure, the smallest matmul: long enough for the JIT to compile the
     * java device's matmul kernel (shared by every size), which runs 100x slower until C2 has it;
     * at n = 128 that took 2 s here, so 0.4 s left `auto` believing java 300x slower than it is.
     */
    private static final long FIRST_WARM_UP_NANOS = 3_000_000_000L;
    /** Warm-up before each later figure: its kernel is compiled, or small and quickly compiled (add, fill). */
    private static final long WARM_UP_NANOS = 400_000_000;

    private DeviceProfiler() {}

    public static DeviceProfile measure(Device device) {
        try (Arena arena = Arena.ofShared()) {
            SortedMap<Integer, Double> gflops = new TreeMap<>();
            for (int n : MATMUL_SIZES) {
                Tensor a = Tensor.allocate("a", arena, n, n), b = Tensor.allocate("b", arena, n, n);
                ImmutableTaskGraph g = new TaskGraph("profile_matmul_" + n)
                        .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
                        .task("matmul", new Op.Matmul(1, n, n, n, false, false, false, Activation.NONE), Tensor.onDevice("c", n, n), a, b)
                        .snapshot();
                gflops.put(n, 2.0 * n * n * n / best(device, g, gflops.isEmpty() ? FIRST_WARM_UP_NANOS : WARM_UP_NANOS) / 1e9);
            }
            Tensor x = Tensor.allocate("x", arena, STREAM_FLOATS), y = Tensor.allocate("y", arena, STREAM_FLOATS);
            ImmutableTaskGraph add = new TaskGraph("profile_bandwidth")
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, x, y)
                    .task("add", new Op.Add(STREAM_FLOATS), Tensor.onDevice("z", STREAM_FLOATS), x, y)
                    .snapshot();
            double bandwidth = 12.0 * STREAM_FLOATS / best(device, add, WARM_UP_NANOS) / 1e9;
            ImmutableTaskGraph roundTrip = new TaskGraph("profile_transfer")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, x)
                    .snapshot();
            double transfer = 8.0 * STREAM_FLOATS / best(device, roundTrip, WARM_UP_NANOS) / 1e9;
            TaskGraph fills = new TaskGraph("profile_launch");
            Tensor one = Tensor.onDevice("one", 1);
            for (int i = 0; i < LAUNCHES; i++) fills.task("fill" + i, new Op.Fill(1, i), one);
            double launch = best(device, fills.snapshot(), WARM_UP_NANOS) / LAUNCHES * 1e6;
            Tensor single = Tensor.allocate("single", arena, 1);
            ImmutableTaskGraph tiny = new TaskGraph("profile_round_trip")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, single)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, single)
                    .snapshot();
            double latency = best(device, tiny, WARM_UP_NANOS) * 1e6;
            return new DeviceProfile(ProfileCache.key(device), gflops, bandwidth, transfer, launch, latency);
        }
    }

    /** Seconds of the fastest of {@link #RUNS} executions, after warming up for {@code warmUpNanos} (the first run also copies the weights in). */
    private static double best(Device device, ImmutableTaskGraph graph, long warmUpNanos) {
        try (ExecutionPlan plan = new ExecutionPlan(graph, device)) {
            long warm = System.nanoTime();
            do plan.execute(); while (System.nanoTime() - warm < warmUpNanos);
            long best = Long.MAX_VALUE;
            for (int i = 0; i < RUNS; i++) {
                long start = System.nanoTime();
                plan.execute();
                best = Math.min(best, System.nanoTime() - start);
            }
            return Math.max(best, 1) / 1e9; // a copy the device need not make (java's) still costs a nanosecond
        }
    }
}
