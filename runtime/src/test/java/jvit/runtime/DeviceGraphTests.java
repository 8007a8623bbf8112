package jvit.runtime;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.Reference64;
import jvit.runtime.ExecutionResult.TaskTime;
import org.junit.jupiter.api.Test;

/**
 * Graphs of several tasks on a device: weights copied once and resident, device-only activations,
 * new inputs every execution, per-task times, closing, and loading again and again without a leak.
 * Part of {@link DeviceSuite}: a test class names the device.
 */
public interface DeviceGraphTests {
    /** The device the graphs run on. */
    Device device();

    /**
     * Whether the device times each copy on its own, named by its tensor; else it reports all copies
     * in as one {@code copy_in} and all copies out as one {@code copy_out} (TornadoVM's profiler
     * gives only those totals).
     */
    default boolean timesEachCopy() { return true; }

    /** The least time the device reports for a task it ran: CUDA's events can time a tiny one at 0. */
    default long leastTaskNanos() { return 1; }

    /**
     * The memory in use where a load could leak, in bytes (up to a constant): by default the process's
     * resident memory, which holds the driver's host-side objects and a CPU device's buffers; a GPU
     * backend counts its device memory instead.
     */
    default long memoryInUse() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmRSS:")) return 1024 * Long.parseLong(line.replaceAll("\\D", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /**
     * Loads the leak check makes (and a fifth as many first, to warm up): a TornadoVM device compiles
     * a graph's kernels anew at each load (seconds), so it asks for fewer, over tensors as much larger.
     */
    default int leakCheckLoads() { return 1000; }

    @Test
    default void weightsAreCopiedOnceAndResultsStayRight() {
        Random random = random();
        int rows = 7, in = 13, out = 5;
        double[] w = roundToFloat(uniform(random, out * in, 1)), b = roundToFloat(uniform(random, out, 1));
        try (Arena arena = Arena.ofShared()) {
            Tensor input = Tensor.allocate("x", arena, rows, in);
            Tensor weight = Tensor.of("w", segment(arena, w), out, in), bias = Tensor.of("b", segment(arena, b), out);
            Tensor hidden = Tensor.onDevice("h", rows, out), normed = Tensor.onDevice("n", rows, out);
            Tensor gamma = Tensor.of("gamma", segment(arena, new double[] {1, 2, 3, 4, 5}), out);
            Tensor beta = Tensor.of("beta", segment(arena, new double[] {0, 0, 1, 1, 0}), out);
            Tensor y = Tensor.of("y", poisoned(arena, rows * out), rows, out);
            ImmutableTaskGraph graph = new TaskGraph("mlp")
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, weight, bias, gamma, beta)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, input)
                    .task("fc", Op.Matmul.linear(rows, in, out, Activation.GELU), hidden, input, weight, bias)
                    .task("norm", new Op.LayerNorm(rows, out, 1e-6f), normed, hidden, gamma, beta)
                    .task("residual", new Op.Add(rows * out), normed, normed, hidden)
                    .task("softmax", new Op.Softmax(rows, out), y, normed)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                    .snapshot();
            try (var plan = new ExecutionPlan(graph, device()).withProfiling(true)) {
                for (int run = 0; run < 2; run++) {
                    double[] x = roundToFloat(uniform(random, rows * in, 1));
                    input.host().copyFrom(segment(arena, x));
                    if (run == 1) weight.host().fill((byte) 0xff); // NaN: a second copy of the weights would spoil the result
                    ExecutionResult result = plan.execute();

                    double[] h = Reference64.matmul(x, w, b, 1, rows, out, in, false, true, true);
                    double[] n = Reference64.layerNorm(h, new double[] {1, 2, 3, 4, 5}, new double[] {0, 0, 1, 1, 0}, rows, out, 1e-6);
                    double[] expected = Reference64.softmax(Reference64.add(n, h), rows, out);
                    assertClose("run " + run + " " + random, expected, y.host(), 1e-4, 1e-6);

                    List<String> names = result.taskTimes().stream().map(TaskTime::task).toList();
                    List<String> copiesIn = !timesEachCopy() ? List.of("copy_in") : run == 0 ? List.of("w", "b", "gamma", "beta", "x")
                            : List.of("x");
                    String copyOut = timesEachCopy() ? "y" : "copy_out";
                    assertEquals(Stream.concat(copiesIn.stream(), Stream.of("fc", "norm", "residual", "softmax", copyOut)).toList(), names,
                            "run " + run);
                    assertTrue(result.taskTimes().stream().allMatch(t -> t.nanos() >= leastTaskNanos()), result.taskTimes().toString());
                    assertEquals(List.of("copy_in", "matmul", "layernorm", "add", "softmax", "copy_out"),
                            List.copyOf(result.nanosByKind().keySet()));
                    assertTrue(result.totalNanos() >= result.taskTimes().stream().mapToLong(TaskTime::nanos).max().orElseThrow());
                }
                assertTrue(plan.withProfiling(false).execute().taskTimes().isEmpty(), "no profile unless asked for");
            }
        }
    }

    @Test
    default void closingReleasesOnceAndEndsTheGraph() {
        try (Arena arena = Arena.ofShared()) {
            Tensor x = Tensor.allocate("x", arena, 3), y = Tensor.allocate("y", arena, 3);
            ImmutableTaskGraph graph = new TaskGraph("twice")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                    .task("gelu", new Op.Gelu(3), y, x)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                    .snapshot();
            var executable = device().load(graph);
            executable.execute(false);
            executable.close();
            executable.close();
            var e = assertThrows(IllegalStateException.class, () -> executable.execute(false));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    /**
     * A small graph that holds every kind of device object: a weight copied in once, an input every run, a product
     * into a device-only tensor and GELU into a host one.
     */
    static ImmutableTaskGraph linearGelu(String name, Arena arena, Random random, int rows, int dim) {
        Tensor x = Tensor.of("x", segment(arena, uniform(random, rows * dim, 1)), rows, dim);
        Tensor w = Tensor.allocate("w", arena, dim, dim), h = Tensor.onDevice("h", rows, dim);
        Tensor y = Tensor.allocate("y", arena, rows, dim);
        return new TaskGraph(name)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, w)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                .task("fc", new Op.Matmul(1, rows, dim, dim, false, true, false, Activation.NONE), h, x, w)
                .task("gelu", new Op.Gelu((long) rows * dim), y, h)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                .snapshot();
    }

    /** Closing a plan releases its buffers, kernels, programs and queue: loading again and again does not grow the memory in use. */
    @Test
    default void thousandsOfLoadsHoldNoMoreMemory() {
        Device device = device();
        int loads = leakCheckLoads(), scale = (int) Math.ceil(Math.sqrt(1000.0 / loads));
        // 64 KiB per tensor at 1,000 loads, larger for fewer: a leak of one buffer per load would be 64 MiB or more over the loads.
        int rows = 64 * scale, dim = 256 * scale;
        try (Arena arena = Arena.ofShared()) {
            ImmutableTaskGraph graph = linearGelu("leak_check", arena, random(), rows, dim);
            Runnable cycle = () -> {
                try (var plan = new ExecutionPlan(graph, device).withProfiling(true)) {
                    plan.execute();
                }
            };
            for (int i = 0; i < loads / 5; i++) cycle.run(); // warm up: programs built, heap, allocators and JIT settled
            long before = memoryInUse();
            for (int i = 0; i < loads; i++) cycle.run();
            long growth = memoryInUse() - before;
            assertTrue(growth < 32L << 20, device + ": memory in use grew by " + (growth >> 10) + " KiB over " + loads + " loads");
        }
    }
}
