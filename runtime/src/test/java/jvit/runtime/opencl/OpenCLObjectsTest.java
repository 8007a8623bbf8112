package jvit.runtime.opencl;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.util.Map;
import java.util.Random;
import jvit.runtime.DeviceGraphTests;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.ImmutableTaskGraph;
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
            ImmutableTaskGraph graph = DeviceGraphTests.linearGelu("objects", arena, new Random(1), rows, dim);
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
