package jvit.runtime.schedule;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Step;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static final int ROWS = 6, IN = 10, HIDDEN = 12, OUT = 5;
    private final Device java = Devices.get("java");
    private final Device other = new StandInDevice(java, "java#2");

    /** x → fc1 → h; h + h → g; fc2(g) → y: three launches. */
    private record Mlp(ImmutableTaskGraph graph, Tensor x, Tensor y) {}

    private static Mlp mlp(Arena arena, Random random, int rows) {
        Tensor x = Tensor.allocate("x", arena, rows, IN), y = Tensor.allocate("y", arena, rows, OUT);
        Tensor w1 = Tensor.of("w1", segment(arena, uniform(random, HIDDEN * IN, 1)), HIDDEN, IN);
        Tensor b1 = Tensor.of("b1", segment(arena, uniform(random, HIDDEN, 1)), HIDDEN);
        Tensor w2 = Tensor.of("w2", segment(arena, uniform(random, OUT * HIDDEN, 1)), OUT, HIDDEN);
        Tensor b2 = Tensor.of("b2", segment(arena, uniform(random, OUT, 1)), OUT);
        Tensor h = Tensor.onDevice("h", rows, HIDDEN), g = Tensor.onDevice("g", rows, HIDDEN);
        ImmutableTaskGraph graph = new TaskGraph("mlp")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, w1, b1, w2, b2)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                .task("fc1", Op.Matmul.linear(rows, IN, HIDDEN, Activation.GELU), h, x, w1, b1)
                .task("double", new Op.Add((long) rows * HIDDEN), g, h, h)
                .task("fc2", Op.Matmul.linear(rows, HIDDEN, OUT, Activation.NONE), y, g, w2, b2)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                .snapshot();
        return new Mlp(graph, x, y);
    }

    @Test
    void aGraphSplitOverTwoDevicesGivesWhatItGivesOnOne() {
        Random random = random();
        try (Arena arena = Arena.ofShared()) {
            Mlp m = mlp(arena, random, ROWS);
            Placement placement = GraphSplitter.split(m.graph(), List.of(java, java, other), arena);
            assertEquals(2, placement.stages().size());
            assertEquals(1, placement.transfers().size(), "g crosses, and only g");
            assertEquals("g@0", placement.transfers().getFirst().source().name());
            assertTrue(placement.stages().get(0).graph().steps().stream()
                    .anyMatch(s -> s instanceof Step.CopyOut out && out.tensor() == placement.transfers().getFirst().source()));
            assertTrue(placement.pipelinable());
            assertTrue(placement.describe().contains("stage 1 on java#2: 1 tasks, fc2 .. fc2"), placement.describe());
            for (int run = 0; run < 2; run++) {
                MemorySegment x = segment(arena, uniform(random, ROWS * IN, 1));
                m.x().host().copyFrom(x);
                try (var single = new ExecutionPlan(m.graph(), java)) {
                    single.execute();
                }
                float[] expected = m.y().host().toArray(JAVA_FLOAT);
                m.y().host().fill((byte) 0xff);
                try (var plan = new PlacementPlan(placement)) {
                    plan.execute(true);
                }
                assertArrayEquals(expected, m.y().host().toArray(JAVA_FLOAT), "run " + run + " " + random);
            }
        }
    }

    @Test
    void microBatchesFlowThroughTheStagesInOrder() {
        Random random = random();
        int micro = 2, count = 4;
        try (Arena arena = Arena.ofShared()) {
            Mlp m = mlp(arena, random, micro);
            List<MemorySegment> inputs = new ArrayList<>();
            for (int i = 0; i < count; i++) inputs.add(segment(arena, uniform(random, micro * IN, 1)));
            List<float[]> expected = new ArrayList<>(), actual = new ArrayList<>();
            try (var single = new ExecutionPlan(m.graph(), java)) {
                for (MemorySegment in : inputs) {
                    m.x().host().copyFrom(in);
                    single.execute();
                    expected.add(m.y().host().toArray(JAVA_FLOAT));
                }
            }
            Placement placement = GraphSplitter.split(m.graph(), List.of(java, other, other), arena);
            try (var plan = new PlacementPlan(placement)) {
                plan.execute(count, i -> m.x().host().copyFrom(inputs.get(i)),
                        i -> actual.add(m.y().host().toArray(JAVA_FLOAT)), false);
            }
            assertEquals(count, actual.size());
            for (int i = 0; i < count; i++) assertArrayEquals(expected.get(i), actual.get(i), "micro-batch " + i + " " + random);
        }
    }

    @Test
    void aTensorSkippingAStageAndAnInputReadLaterGoWithTheirMicroBatch() {
        Random random = random();
        int rows = 2, count = 5;
        try (Arena arena = Arena.ofShared()) {
            // x → fc1 → h; g = h + h; k = g + h; z = k + u; fc2(z) → y, over java, other, java: h skips stage 1, u is read by stage 2 only.
            Tensor x = Tensor.allocate("x", arena, rows, IN), u = Tensor.allocate("u", arena, rows, HIDDEN), y = Tensor.allocate("y", arena, rows, OUT);
            Tensor w1 = Tensor.of("w1", segment(arena, uniform(random, HIDDEN * IN, 1)), HIDDEN, IN);
            Tensor w2 = Tensor.of("w2", segment(arena, uniform(random, OUT * HIDDEN, 1)), OUT, HIDDEN);
            Tensor h = Tensor.onDevice("h", rows, HIDDEN), g = Tensor.onDevice("g", rows, HIDDEN), k = Tensor.onDevice("k", rows, HIDDEN);
            Tensor z = Tensor.onDevice("z", rows, HIDDEN);
            long n = (long) rows * HIDDEN;
            ImmutableTaskGraph graph = new TaskGraph("skip")
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, w1, w2)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, u)
                    .task("fc1", new Op.Matmul(1, rows, HIDDEN, IN, false, true, false, Activation.NONE), h, x, w1)
                    .task("double", new Op.Add(n), g, h, h)
                    .task("again", new Op.Add(n), k, g, h)
                    .task("plus_u", new Op.Add(n), z, k, u)
                    .task("fc2", new Op.Matmul(1, rows, OUT, HIDDEN, false, true, false, Activation.NONE), y, z, w2)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                    .snapshot();
            List<MemorySegment> xs = new ArrayList<>(), us = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                xs.add(segment(arena, uniform(random, rows * IN, 1)));
                us.add(segment(arena, uniform(random, (int) n, 1)));
            }
            List<float[]> expected = new ArrayList<>(), actual = new ArrayList<>();
            try (var single = new ExecutionPlan(graph, java)) {
                for (int i = 0; i < count; i++) {
                    x.host().copyFrom(xs.get(i));
                    u.host().copyFrom(us.get(i));
                    single.execute();
                    expected.add(y.host().toArray(JAVA_FLOAT));
                }
            }
            Placement placement = GraphSplitter.split(graph, List.of(java, other, java, java, java), arena);
            assertEquals(List.of("0->1 h", "0->2 h", "0->2 u", "1->2 g"), placement.transfers().stream()
                    .map(t -> t.from() + "->" + t.to() + " " + t.source().name().replaceFirst("@.*", "")).sorted().toList());
            assertTrue(placement.pipelinable());
            try (var plan = new PlacementPlan(placement)) {
                plan.execute(count, i -> {
                    x.host().copyFrom(xs.get(i));
                    u.host().copyFrom(us.get(i));
                }, i -> actual.add(y.host().toArray(JAVA_FLOAT)), false);
            }
            for (int i = 0; i < count; i++) assertArrayEquals(expected.get(i), actual.get(i), "micro-batch " + i + " " + random);
        }
    }

    @Test
    void aFailingDeviceIsNamedWithTheResultsAlreadyOut() {
        Random random = random();
        try (Arena arena = Arena.ofShared()) {
            Mlp m = mlp(arena, random, 2);
            Device failing = new StandInDevice(java, "java#flaky", 2);
            Placement placement = GraphSplitter.split(m.graph(), List.of(java, java, failing), arena);
            List<Integer> out = new ArrayList<>();
            try (var plan = new PlacementPlan(placement)) {
                DeviceFailure f = assertThrows(DeviceFailure.class, () -> plan.execute(5, i -> {}, out::add, false));
                assertSame(failing, f.device());
                assertEquals(2, f.completed());
                assertEquals(List.of(0, 1), out);
                assertTrue(f.getMessage().startsWith("device java#flaky failed: the device was unplugged"), f.getMessage());
            }
        }
    }
}
