package jvit.runtime;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.util.Random;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.Reference64;
import org.junit.jupiter.api.Test;

class TaskGraphTest {
    /** What backends may prepare once (a weight packed for its product): copied in once and written by no task. */
    @Test
    void constantsAreCopiedInOnceAndWrittenByNoTask() {
        try (Arena arena = Arena.ofShared()) {
            Tensor weight = Tensor.allocate("w", arena, 3), updated = Tensor.allocate("u", arena, 3);
            Tensor input = Tensor.allocate("x", arena, 3), out = Tensor.allocate("y", arena, 3);
            ImmutableTaskGraph graph = new TaskGraph("constants")
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, weight, updated)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, input)
                    .task("sum", new Op.Add(3), out, input, weight)
                    .task("update", new Op.Add(3), updated, updated, out)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, out)
                    .snapshot();
            assertEquals(java.util.Set.of(weight), graph.constants());
            assertEquals(java.util.Set.of(2), graph.tasks().getFirst().argIndices(graph.constants()));
            assertEquals(java.util.Set.of(), graph.tasks().getLast().argIndices(graph.constants()));
        }
    }

    @Test
    void aGraphRunsOnTheJavaDeviceLikeTheReference() {
        Random random = random();
        int rows = 7, in = 13, out = 5;
        double[] x = roundToFloat(uniform(random, rows * in, 1)), w = roundToFloat(uniform(random, out * in, 1));
        double[] b = roundToFloat(uniform(random, out, 1));
        double[] hidden = Reference64.matmul(x, w, b, 1, rows, out, in, false, true, true);
        double[] expected = Reference64.add(hidden, hidden);
        try (Arena arena = Arena.ofShared()) {
            Tensor input = Tensor.of("x", segment(arena, x), rows, in);
            Tensor weight = Tensor.of("w", segment(arena, w), out, in), bias = Tensor.of("b", segment(arena, b), out);
            Tensor h = Tensor.onDevice("h", rows, out);
            Tensor y = Tensor.of("y", poisoned(arena, rows * out), rows, out);
            ImmutableTaskGraph graph = new TaskGraph("mlp")
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, weight, bias)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, input)
                    .task("fc", Op.Matmul.linear(rows, in, out, Activation.GELU), h, input, weight, bias)
                    .task("double", new Op.Add(rows * out), y, h, h)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                    .snapshot();
            assertEquals(2, graph.tasks().size());
            try (var plan = new ExecutionPlan(graph, Devices.get("java")).withProfiling(true)) {
                for (int run = 0; run < 2; run++) {
                    ExecutionResult result = plan.execute();
                    assertClose("graph " + random, expected, y.host(), 1e-5, 1e-5);
                    assertEquals(2, result.taskTimes().size());
                    assertEquals("matmul", result.taskTimes().get(0).kind());
                    assertTrue(result.taskTimes().stream().allMatch(t -> t.nanos() > 0));
                    assertEquals(java.util.List.of("matmul", "add"), java.util.List.copyOf(result.nanosByKind().keySet()));
                }
            }
        }
    }

    @Test
    void readingATensorBeforeItIsWrittenIsRefused() {
        Tensor a = Tensor.onDevice("a", 4), b = Tensor.onDevice("b", 4);
        var graph = new TaskGraph("bad").task("gelu", new Op.Gelu(4), b, a);
        var e = assertThrows(IllegalArgumentException.class, graph::snapshot);
        assertTrue(e.getMessage().contains("reads a[4] before"), e.getMessage());
    }

    @Test
    void aTaskWithWronglySizedTensorsIsRefused() {
        Tensor a = Tensor.onDevice("a", 4), b = Tensor.onDevice("b", 5);
        var e = assertThrows(IllegalArgumentException.class, () -> new TaskGraph("bad").task("gelu", new Op.Gelu(4), b, a));
        assertTrue(e.getMessage().contains("must hold 4 elements"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TaskGraph("bad").task("gelu", new Op.Gelu(4), a));
    }

    @Test
    void aMatmulAddingToCReadsCAgainAndTakesNoActivation() {
        Tensor c = Tensor.onDevice("c", 2, 3), other = Tensor.onDevice("other", 2, 3), a = Tensor.onDevice("a", 2, 4);
        Tensor w = Tensor.onDevice("w", 3, 4), bias = Tensor.onDevice("bias", 3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new TaskGraph("bad").task("proj", Op.Matmul.residualLinear(2, 4, 3), c, a, w, bias, other));
        assertTrue(e.getMessage().contains("reads C as its last argument"), e.getMessage());
        new TaskGraph("good").task("proj", Op.Matmul.residualLinear(2, 4, 3), c, a, w, bias, c);
        var gelu = assertThrows(IllegalArgumentException.class,
                () -> new Op.Matmul(1, 2, 3, 4, false, true, true, Activation.GELU, true));
        assertTrue(gelu.getMessage().contains("no activation"), gelu.getMessage());
    }

    @Test
    void copiesNeedHostMemory() {
        Tensor a = Tensor.onDevice("a", 4);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new TaskGraph("bad").transferToDevice(DataTransferMode.EVERY_EXECUTION, a).snapshot());
        assertTrue(e.getMessage().contains("no host memory"), e.getMessage());
    }

    @Test
    void unknownDevicesNameThePresentOnes() {
        assertEquals("java", Devices.get("java").id());
        assertNotNull(Devices.get("auto"));
        var e = assertThrows(UserError.class, () -> Devices.get("quantum:7"));
        assertTrue(e.getMessage().contains("present: ") && e.getMessage().contains("java"), e.getMessage());
    }
}
