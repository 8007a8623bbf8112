package jvit.runtime.opencl;

import jvit.kernels.device.DeviceLimits;
import jvit.kernels.device.DeviceLimits.DeviceType;

/** The kernel tests on the GPU kernels (tiled, through local memory), run on opencl:0 as if it were a GPU. */
class OpenCLGpuKernelsTest extends OpenCLKernelsTest {
    @Override
    OpenCLDevice device() {
        return OpenCLTesting.deviceWith(l -> new DeviceLimits(DeviceType.GPU, l.maxWorkGroupSize(), l.localMemoryBytes(),
                l.computeUnits(), 1));
    }
}
