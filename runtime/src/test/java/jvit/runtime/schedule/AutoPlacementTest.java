package jvit.runtime.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** The cost model's choices, on a two-launch graph and made-up profiles (nothing runs). */
class AutoPlacementTest {
    private static final Device A = Devices.get("java"), B = new StandInDevice(A, "java#b");

    /** An outer product (small: each device's n = 128 rate), then a 512³ product of its 1 MiB result (the n = 512 rate). */
    private static ImmutableTaskGraph graph(Arena arena) {
        Tensor a = Tensor.allocate("a", arena, 512, 1), b = Tensor.allocate("b", arena, 512, 1), w = Tensor.allocate("w", arena, 512, 512);
        Tensor h = Tensor.onDevice("h", 512, 512), y = Tensor.onDevice("y", 512, 512);
        return new TaskGraph("two")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, w)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b)
                .task("outer", new Op.Matmul(1, 512, 512, 1, false, true, false, Activation.NONE), h, a, b)
                .task("product", new Op.Matmul(1, 512, 512, 512, false, false, false, Activation.NONE), y, h, w)
                .snapshot();
    }

    /** Matmuls at {@code small} GFLOP/s (n = 128) and {@code large} (n = 512), host copies at {@code transfer} GB/s, no launch cost. */
    private static DeviceProfile profile(double small, double large, double transfer, double roundTripMicros) {
        return new DeviceProfile("test", new TreeMap<>(Map.of(128, small, 512, large)), 1000, transfer, 0, roundTripMicros);
    }

    @Test
    void oneDeviceAloneWinsWhereTheGreedyWouldStayBehindIt() {
        // Greedy: the outer product on A (52 µs vs B's 58), then the product stays on A (2.7 ms) because moving h to B costs
        // 2.1 ms of copies on top of B's 1.8 ms. All on B: 1.85 ms, less than the greedy's 2.74.
        Map<Device, DeviceProfile> profiles = Map.of(A, profile(10, 100, 1, 0), B, profile(9, 150, 1, 0));
        try (Arena arena = Arena.ofConfined()) {
            ImmutableTaskGraph g = graph(arena);
            assertEquals(List.of(B, B), AutoPlacement.assign(g, List.of(A, B), profiles::get));
        }
    }

    @Test
    void aRoundTripsLatencyIsCountedForEachCrossing() {
        // With copies at 1000 GB/s moving h costs 2 µs: the outer product on A, the product on B (1.84 ms in all)...
        Map<Device, DeviceProfile> cheap = Map.of(A, profile(10, 100, 1000, 0), B, profile(9, 150, 1000, 0));
        // ... but with 1 ms a round trip on each side, that crossing costs 2 ms more, and B alone (1.85 ms) is best.
        Map<Device, DeviceProfile> slow = Map.of(A, profile(10, 100, 1000, 1000), B, profile(9, 150, 1000, 1000));
        try (Arena arena = Arena.ofConfined()) {
            ImmutableTaskGraph g = graph(arena);
            assertEquals(List.of(A, B), AutoPlacement.assign(g, List.of(A, B), cheap::get));
            assertEquals(2e-3, AutoPlacement.seconds(g, List.of(A, B), slow::get) - AutoPlacement.seconds(g, List.of(A, B), cheap::get), 1e-9);
            assertEquals(List.of(B, B), AutoPlacement.assign(g, List.of(A, B), slow::get));
        }
    }
}
