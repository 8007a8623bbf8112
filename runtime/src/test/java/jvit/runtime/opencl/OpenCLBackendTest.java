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
                    .task("outer", new Op.Matmul(1, side, side, 1, true, false, Op.Activation.NONE), c, a, b)
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
}
