package jvit.runtime.schedule;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jvit.kernels.Op;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --device auto}'s decision from a graph's timings, and their cache: given times, no clock. */
class FastestDeviceTest {
    @TempDir
    Path dir;

    static final Device JAVA = Devices.get("java");
    static final Device SLOW = new StandInDevice(JAVA, "slow:0"), FAST = new StandInDevice(JAVA, "fast:0");

    static ImmutableTaskGraph graph(int n) {
        Tensor x = Tensor.allocate("x", Arena.ofAuto(), n);
        return new TaskGraph("g").transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                .task("add", new Op.Add(n), Tensor.onDevice("y", n), x, x).snapshot();
    }

    @Test
    void theDeviceWithTheLeastTimeForTheGraphIsPicked() {
        var times = Map.of(SLOW, 2.0, FAST, 1.0);
        var choice = FastestDevice.pick(graph(8), List.of(SLOW, FAST), (g, d) -> times.get(d));
        assertSame(FAST, choice.device());
        assertEquals(Map.of(SLOW, 2.0, FAST, 1.0), choice.seconds());
    }

    @Test
    void aTieKeepsTheDeviceNamedFirst() {
        assertSame(SLOW, FastestDevice.pick(graph(8), List.of(SLOW, FAST), (g, d) -> 1.0).device());
        assertSame(FAST, FastestDevice.pick(graph(8), List.of(FAST, SLOW), (g, d) -> 1.0).device());
    }

    @Test
    void aDeviceThatCannotRunTheGraphIsPassedOver() {
        var choice = FastestDevice.pick(graph(8), List.of(FAST, SLOW), (g, d) -> {
            if (d == FAST) throw new IllegalStateException("no kernel for add");
            return 3.0;
        });
        assertSame(SLOW, choice.device());
        assertTrue(Double.isNaN(choice.seconds().get(FAST)));
    }

    @Test
    void oneCandidateIsTakenWithoutTimingIt() {
        var choice = FastestDevice.pick(graph(8), List.of(SLOW), (g, d) -> fail("timed"));
        assertSame(SLOW, choice.device());
    }

    @Test
    void timesAreMeasuredOncePerGraphShapeAndDeviceModelAndKeptBetweenRuns() throws Exception {
        List<String> measured = new ArrayList<>();
        var first = new GraphTimes(dir, (g, d) -> {
            measured.add(d.id() + " " + g.tasks().getFirst().op());
            return d == FAST ? 0.5 : 2.0;
        });
        assertEquals(0.5, first.applyAsDouble(graph(8), FAST));
        assertEquals(0.5, first.applyAsDouble(graph(8), FAST));
        assertEquals(0.5, first.applyAsDouble(graph(8), new StandInDevice(JAVA, "fast:1")), "identical devices share their times");
        assertEquals(2.0, first.applyAsDouble(graph(8), SLOW));
        assertEquals(0.5, new GraphTimes(dir, (g, d) -> fail("timed again")).applyAsDouble(graph(8), FAST), "kept in a file");
        assertEquals(0.5, first.applyAsDouble(graph(9), FAST));
        assertEquals(List.of("fast:0 Add[n=8]", "slow:0 Add[n=8]", "fast:0 Add[n=9]"), measured);
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) Files.writeString(file, "garbage\u0000");
        }
        assertEquals(2.0, new GraphTimes(dir, (g, d) -> 2.0).applyAsDouble(graph(8), FAST), "a damaged file is timed again");
        var again = new GraphTimes(dir, (g, d) -> 0.25).timedAgain();
        assertEquals(0.25, again.applyAsDouble(graph(8), FAST), "timed again when asked to");
        assertEquals(0.25, new GraphTimes(dir, (g, d) -> fail("timed")).applyAsDouble(graph(8), FAST), "and kept");
    }
}
