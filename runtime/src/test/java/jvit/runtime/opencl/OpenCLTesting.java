package jvit.runtime.opencl;

import static jvit.kernels.Tensors.*;

import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import jvit.kernels.Op;
import jvit.kernels.device.DeviceLimits;
import jvit.kernels.device.DeviceLimits.DeviceType;
import jvit.runtime.Backend;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import org.junit.jupiter.api.Assumptions;

/** The OpenCL device the tests run on, and running one operator there. */
final class OpenCLTesting {
    private OpenCLTesting() {}

    /** The backend; the calling test is skipped when no OpenCL platform is installed (bin/test installs PoCL). */
    static Backend backend() {
        Backend opencl = Devices.backends().stream().filter(b -> b.name().equals("opencl")).findFirst().orElseThrow();
        Assumptions.assumeTrue(opencl.unavailable().isEmpty(), () -> "no OpenCL: " + opencl.unavailable().orElseThrow());
        return opencl;
    }

    /** {@code opencl:0}. */
    static OpenCLDevice device() {
        return (OpenCLDevice) backend().devices().getFirst();
    }

    /** opencl:0 launching the GPU kernels (tiled, through local memory), as if it were a GPU. */
    static OpenCLDevice asGpu() {
        return deviceWith(l -> new DeviceLimits(DeviceType.GPU, l.maxWorkGroupSize(), l.localMemoryBytes(), l.computeUnits(), 1));
    }

    /**
     * opencl:0 launching the CPU kernels as an AVX2 machine gets them (8-float vectors, 6-row matmul
     * blocks), with 4 KiB of local memory: matmul panels 64 deep, so that most products run in
     * several chunks, adding into C.
     */
    static OpenCLDevice asNarrowCpu() {
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

    /**
     * Runs {@code op} on opencl:0 in a graph of its own and returns its output. The output is
     * copied in poisoned with NaN, so an element the kernel does not write fails the comparison.
     */
    static double[] run(Op op, double[]... inputs) {
        return run(device(), op, inputs);
    }

    static double[] run(Device device, Op op, double[]... inputs) {
        long[] sizes = op.argElements();
        try (Arena arena = Arena.ofShared()) {
            Tensor[] args = new Tensor[sizes.length];
            args[0] = Tensor.of("out", poisoned(arena, sizes[0]), sizes[0]);
            for (int i = 1; i < sizes.length; i++) args[i] = Tensor.of("in" + i, segment(arena, inputs[i - 1]), sizes[i]);
            var graph = new TaskGraph(op.name())
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, args)
                    .task(op.name(), op, args)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, args[0])
                    .snapshot();
            try (var plan = new ExecutionPlan(graph, device)) {
                plan.execute();
            }
            return toDoubles(args[0].host(), (int) sizes[0]);
        }
    }

    /** Runs an operator whose output may be its input ({@code out = op(out)}) in place. */
    static double[] runInPlace(Device device, Op op, double[] x) {
        try (Arena arena = Arena.ofShared()) {
            Tensor t = Tensor.of("x", segment(arena, x), x.length);
            var graph = new TaskGraph(op.name() + "_in_place")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, t)
                    .task(op.name(), op, t, t)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, t)
                    .snapshot();
            try (var plan = new ExecutionPlan(graph, device)) {
                plan.execute();
            }
            return toDoubles(t.host(), x.length);
        }
    }
}
