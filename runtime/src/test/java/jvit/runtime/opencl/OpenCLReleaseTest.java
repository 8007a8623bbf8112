package jvit.runtime.opencl;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.runtime.DataTransferMode;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** Closing a plan releases its buffers, kernels, programs and queue: loading again and again does not grow the process. */
class OpenCLReleaseTest {
    @Test
    void thousandsOfLoadsDoNotGrowResidentMemory() throws IOException {
        OpenCLDevice device = OpenCLTesting.device();
        int rows = 64, dim = 256; // 64 KiB per tensor: a leak of one buffer per load would be 64 MiB over 1,000 loads
        try (Arena arena = Arena.ofShared()) {
            Tensor x = Tensor.of("x", segment(arena, uniform(random(), rows * dim, 1)), rows, dim);
            Tensor w = Tensor.allocate("w", arena, dim, dim), h = Tensor.onDevice("h", rows, dim);
            Tensor y = Tensor.allocate("y", arena, rows, dim);
            ImmutableTaskGraph graph = new TaskGraph("leak_check")
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, w)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                    .task("fc", new Op.Matmul(1, rows, dim, dim, false, true, false, Activation.NONE), h, x, w)
                    .task("gelu", new Op.Gelu((long) rows * dim), y, h)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                    .snapshot();
            Runnable cycle = () -> {
                try (var plan = new ExecutionPlan(graph, device).withProfiling(true)) {
                    plan.execute();
                }
            };
            for (int i = 0; i < 200; i++) cycle.run(); // warm up: programs built, heap, allocators and JIT settled
            long before = residentKiB();
            for (int i = 0; i < 1000; i++) cycle.run();
            long growth = residentKiB() - before;
            assertTrue(growth < 32 * 1024, "resident memory grew by " + growth + " KiB over 1,000 loads");
        }
    }

    private static long residentKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
