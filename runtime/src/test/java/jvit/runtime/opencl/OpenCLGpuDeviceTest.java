package jvit.runtime.opencl;

import jvit.runtime.Device;
import jvit.runtime.DeviceSuite;

/** The device suite on the GPU kernels (tiled, through local memory), run on opencl:0 as if it were a GPU. */
class OpenCLGpuDeviceTest implements DeviceSuite {
    public Device device() {
        return OpenCLTesting.asGpu();
    }
}
