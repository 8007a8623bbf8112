package jvit.runtime.opencl;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.util.Map;
import java.util.Random;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.runtime.DataTransferMode;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Every OpenCL object a loaded graph creates is released when it closes: the counts of
 * {@link CL#live()} go back to what the device's context and program cache hold. A leak in the
 * driver (a queue, buffer, kernel, program reference or profiling event a graph keeps) is
 * invisible to heap measurements and shows in RSS only slowly, among the allocators' growth.
 */
class OpenCLObjectsTest {
    @Test
    void closedGraphsHoldNoOpenCLObjects() {
        OpenCLDevice device = OpenCLTesting.device();
        int rows = 5, dim = 7;
        try (Arena arena = Arena.ofShared()) {
            Tensor x = Tensor.of("x", segment(arena, uniform(new Random(1), rows * dim, 1)), rows, dim);
            Tensor w = Tensor.allocate("w", arena, dim, dim), h = Tensor.onDevice("h", rows, dim);
            Tensor y = Tensor.allocate("y", arena, rows, dim);
            ImmutableTaskGraph graph = new TaskGraph("objects")
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, w)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                    .task("fc", new Op.Matmul(1, rows, dim, dim, false, true, false, Activation.NONE), h, x, w)
                    .task("gelu", new Op.Gelu((long) rows * dim), y, h)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                    .snapshot();
            cycle(device, graph, 1); // the programs built and cached: the device holds them for its life
            Map<CL.Kind, Long> idle = CL.live();
            try (var plan = new ExecutionPlan(graph, device).withProfiling(true)) {
                plan.execute();
                Map<CL.Kind, Long> loaded = CL.live();
                for (CL.Kind k : new CL.Kind[] {CL.Kind.QUEUE, CL.Kind.BUFFER, CL.Kind.KERNEL, CL.Kind.PROGRAM})
                    assertTrue(loaded.get(k) > idle.get(k), k + " objects are counted while a graph is loaded: " + loaded);
            }
            cycle(device, graph, 50);
            assertEquals(idle, CL.live(), "OpenCL objects held after 50 graphs were loaded, run (profiled) and closed");
        }
    }

    private static void cycle(OpenCLDevice device, ImmutableTaskGraph graph, int times) {
        for (int i = 0; i < times; i++) {
            try (var plan = new ExecutionPlan(graph, device).withProfiling(true)) {
                plan.execute();
                plan.execute();
            }
        }
    }
}
