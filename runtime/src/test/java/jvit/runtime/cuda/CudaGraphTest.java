package jvit.runtime.cuda;

import static jvit.kernels.Tensors.*;
import static jvit.runtime.cuda.CudaTesting.withGemm;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.Reference64;
import jvit.runtime.DataTransferMode;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.ExecutionResult;
import jvit.runtime.ExecutionResult.TaskTime;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import jvit.runtime.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graphs of several tasks on cuda:0: resident weights, device-only activations, profiles, cuBLAS, closing, running out of memory. */
class CudaGraphTest {
    @Test
    void weightsAreCopiedOnceAndResultsStayRight() {
        for (Gemm gemm : CudaTesting.gemms()) withGemm(gemm, () -> mlp(gemm));
    }

    private Void mlp(Gemm gemm) {
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
            try (var plan = new ExecutionPlan(graph, CudaTesting.device()).withProfiling(true)) {
                for (int run = 0; run < 2; run++) {
                    double[] x = roundToFloat(uniform(random, rows * in, 1));
                    input.host().copyFrom(segment(arena, x));
                    if (run == 1) weight.host().fill((byte) 0xff); // NaN: a second copy of the weights would spoil the result
                    ExecutionResult result = plan.execute();

                    double[] h = Reference64.matmul(x, w, b, 1, rows, out, in, false, true, true);
                    double[] n = Reference64.layerNorm(h, new double[] {1, 2, 3, 4, 5}, new double[] {0, 0, 1, 1, 0}, rows, out, 1e-6);
                    double[] expected = Reference64.softmax(Reference64.add(n, h), rows, out);
                    assertClose(gemm + " run " + run + " " + random, expected, y.host(), 1e-4, 1e-6);

                    List<String> names = result.taskTimes().stream().map(TaskTime::task).toList();
                    List<String> copiesIn = run == 0 ? List.of("w", "b", "gamma", "beta", "x") : List.of("x");
                    assertEquals(Stream.concat(copiesIn.stream(), Stream.of("fc", "norm", "residual", "softmax", "y")).toList(), names);
                    assertTrue(result.taskTimes().stream().allMatch(t -> t.nanos() >= 0), result.taskTimes().toString());
                    assertEquals(List.of("copy_in", "matmul", "layernorm", "add", "softmax", "copy_out"),
                            List.copyOf(result.nanosByKind().keySet()));
                    assertTrue(result.totalNanos() >= result.taskTimes().stream().mapToLong(TaskTime::nanos).max().orElseThrow());
                }
                assertTrue(plan.withProfiling(false).execute().taskTimes().isEmpty(), "no profile unless asked for");
            }
        }
        return null;
    }

    @Test
    void closingReleasesOnceAndEndsTheGraph() {
        try (Arena arena = Arena.ofShared()) {
            Tensor x = Tensor.allocate("x", arena, 3), y = Tensor.allocate("y", arena, 3);
            ImmutableTaskGraph graph = new TaskGraph("twice")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                    .task("gelu", new Op.Gelu(3), y, x)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                    .snapshot();
            var executable = CudaTesting.device().load(graph);
            executable.execute(false);
            executable.close();
            executable.close();
            var e = assertThrows(IllegalStateException.class, () -> executable.execute(false));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    /** Loading and closing a graph many times gives back all device memory. */
    @Test
    void closingGivesTheDeviceMemoryBack() {
        CudaDevice device = CudaTesting.device();
        int rows = 256, dim = 1024; // 1 MiB per tensor
        try (Arena arena = Arena.ofShared()) {
            Tensor x = Tensor.allocate("x", arena, rows, dim), w = Tensor.allocate("w", arena, dim, dim);
            Tensor h = Tensor.onDevice("h", rows, dim), y = Tensor.allocate("y", arena, rows, dim);
            ImmutableTaskGraph graph = new TaskGraph("leak_check")
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, w)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                    .task("fc", new Op.Matmul(1, rows, dim, dim, false, true, false, Activation.NONE), h, x, w)
                    .task("gelu", new Op.Gelu((long) rows * dim), y, h)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                    .snapshot();
            for (Gemm gemm : CudaTesting.gemms()) {
                withGemm(gemm, () -> {
                    Runnable cycle = () -> {
                        try (var plan = new ExecutionPlan(graph, device).withProfiling(true)) {
                            plan.execute();
                        }
                    };
                    for (int i = 0; i < 20; i++) cycle.run(); // modules loaded, allocator pools settled
                    long before = Cuda.freeMemory();
                    for (int i = 0; i < 500; i++) cycle.run();
                    long lost = before - Cuda.freeMemory();
                    assertTrue(lost < 64L << 20, gemm + ": " + (lost >> 20) + " MiB of device memory lost over 500 loads");
                    return null;
                });
            }
        }
    }

    /** A tensor larger than any GPU (1 TiB, host memory a sparse file) fails the load with one line naming the device. */
    @Test
    void runningOutOfDeviceMemoryIsAUserError(@TempDir Path dir) throws IOException {
        CudaDevice device = CudaTesting.device();
        long n = 1L << 38;
        Path file = dir.resolve("sparse");
        try (Arena arena = Arena.ofShared();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.allocate(1), 4 * n - 1);
            MemorySegment huge = channel.map(FileChannel.MapMode.READ_WRITE, 0, 4 * n, arena);
            Tensor x = Tensor.of("x", huge, n), y = Tensor.onDevice("y", n);
            ImmutableTaskGraph graph = new TaskGraph("too_big")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                    .task("gelu", new Op.Gelu(n), y, x)
                    .snapshot();
            var e = assertThrows(UserError.class, () -> device.load(graph));
            assertTrue(e.getMessage().startsWith(device.id() + " (" + device.name() + ") failed loading too_big: cuMemAlloc_v2:"
                    + " CUDA_ERROR_OUT_OF_MEMORY (2); the device is out of memory"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        } finally {
            Files.deleteIfExists(file);
        }
        assertArrayEquals(new double[] {3}, CudaTesting.run(new Op.Add(1), new double[] {1}, new double[] {2}), "the device still works");
    }
}
