package jvit.runtime.opencl;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Set;
import jvit.kernels.Op;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** Discovery, properties, and a load that fails on the device without harming it. */
class OpenCLBackendTest {
    @Test
    void devicesAreNumberedAndDescribed() {
        List<Device> devices = OpenCLTesting.backend().devices();
        for (int i = 0; i < devices.size(); i++) {
            Device d = devices.get(i);
            assertEquals("opencl:" + i, d.id());
            assertSame(d, Devices.get(d.id()));
            assertFalse(d.name().isBlank());
            assertTrue(Set.of("CPU", "GPU", "ACCELERATOR", "CUSTOM").contains(d.properties().get("type")), d.properties().toString());
            assertTrue(d.properties().keySet().containsAll(List.of("vendor", "compute units", "global memory", "local memory",
                    "max work-group", "max allocation", "driver", "version")), d.properties().toString());
        }
        if (devices.stream().noneMatch(d -> d.properties().get("type").equals("GPU")))
            assertEquals("java", Devices.get("auto").id(), "a CPU OpenCL device is not preferred to the Java kernels");
    }

    @Test
    void aGraphTooLargeForTheDeviceFailsByNameAndLeavesTheDeviceUsable() {
        OpenCLDevice device = OpenCLTesting.device();
        long maxAlloc = CL.deviceNumber(device.handle(), CL.DEVICE_MAX_MEM_ALLOC_SIZE);
        int side = (int) Math.ceil(Math.sqrt(maxAlloc / 4.0 + 1)); // an m × n product one float larger than one allocation
        try (Arena arena = Arena.ofShared()) {
            Tensor a = Tensor.allocate("a", arena, side, 1), b = Tensor.allocate("b", arena, side, 1);
            Tensor c = Tensor.onDevice("c", side, side);
            var graph = new TaskGraph("too_large")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b)
                    .task("outer", new Op.Matmul(1, side, side, 1, false, true, false, Op.Activation.NONE), c, a, b)
                    .snapshot();
            // A user error naming the device, the call and the code, with what to do.
            var e = assertThrows(jvit.runtime.UserError.class, () -> new ExecutionPlan(graph, device));
            var cause = (CLException) e.getCause();
            assertNotEquals("CL_UNKNOWN_ERROR", CLException.codeName(cause.code()), e.getMessage());
            assertTrue(e.getMessage().startsWith(device.id() + " ("), e.getMessage());
            assertTrue(e.getMessage().contains("clCreateBuffer: CL_") && e.getMessage().contains("smaller --batch"), e.getMessage());
        }
        assertArrayEquals(new double[] {5}, OpenCLTesting.run(new Op.Add(1), new double[] {2}, new double[] {3}));
    }

    @Test
    void aTensorUpdatedOnTheDeviceIsCopiedBackOnDemand() {
        OpenCLDevice device = OpenCLTesting.device();
        try (Arena arena = Arena.ofShared()) {
            Tensor x = Tensor.allocate("x", arena, 3), y = Tensor.allocate("y", arena, 3);
            for (int i = 0; i < 3; i++) {
                x.host().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, i);
                y.host().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, 10);
            }
            var graph = new TaskGraph("accumulate") // x += y on the device, as an optimiser updates a weight
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, x, y)
                    .task("add", new Op.Add(3), x, x, y)
                    .snapshot();
            try (var plan = new ExecutionPlan(graph, device)) {
                plan.execute();
                plan.execute();
                assertEquals(1f, x.host().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 1), "the host copy is stale until asked for");
                plan.transferToHost(x);
                for (int i = 0; i < 3; i++) assertEquals(i + 20f, x.host().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i));
                assertThrows(IllegalArgumentException.class, () -> plan.transferToHost(Tensor.allocate("z", arena, 1)));
            }
        }
    }
}
