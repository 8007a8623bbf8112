package jvit.runtime.opencl;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import jvit.kernels.Op;
import jvit.kernels.device.DeviceLimits;
import jvit.kernels.device.DeviceLimits.DeviceType;
import jvit.runtime.Backend;
import jvit.runtime.Device;
import jvit.runtime.TestDevices;

/**
 * The OpenCL device the tests run on, as it is and launching other devices' kernel variants; the
 * calling test is skipped when no OpenCL platform is installed (bin/test installs PoCL).
 */
public final class OpenCLTesting {
    private OpenCLTesting() {}

    static Backend backend() {
        device(); // skips the test without OpenCL
        return TestDevices.backend("opencl");
    }

    /** {@code opencl:0}. */
    static OpenCLDevice device() {
        return (OpenCLDevice) TestDevices.first("opencl");
    }

    /** opencl:0 launching the GPU kernels (tiled, through local memory), as if it were a GPU. */
    public static Device asGpu() {
        return deviceWith(l -> new DeviceLimits(DeviceType.GPU, l.maxWorkGroupSize(), l.localMemoryBytes(), l.computeUnits(), 1));
    }

    /**
     * opencl:0 launching the CPU kernels as an AVX2 machine gets them (8-float vectors, 6-row matmul
     * blocks), with 4 KiB of local memory: matmul panels 64 deep, so that most products run in
     * several chunks, adding into C.
     */
    public static Device asNarrowCpu() {
        return deviceWith(l -> new DeviceLimits(DeviceType.CPU, l.maxWorkGroupSize(), 4096, l.computeUnits(), 8));
    }

    private static final Map<DeviceLimits, OpenCLDevice> AS_IF = new HashMap<>();

    /**
     * {@code opencl:0} launching kernels as if its limits were {@code limits(its own)}, one device
     * (context, built programs) per distinct limits for the whole run: how the GPU kernels and the
     * CPU kernels at other vector widths run here.
     */
    static synchronized OpenCLDevice deviceWith(UnaryOperator<DeviceLimits> limits) {
        OpenCLDevice device = device();
        return AS_IF.computeIfAbsent(limits.apply(device.limits()), device::withLimits);
    }

    /** Runs {@code op} on opencl:0 (see {@link TestDevices#run}). */
    static double[] run(Op op, double[]... inputs) {
        return TestDevices.run(device(), op, inputs);
    }

    static double[] run(Device device, Op op, double[]... inputs) {
        return TestDevices.run(device, op, inputs);
    }
}
