package jvit.vit.model;

import jvit.runtime.Device;
import jvit.runtime.opencl.OpenCLTesting;

/** The model suite on the CPU kernels as an AVX2 machine gets them (8-float vectors), with 4 KiB of local memory. */
class OpenCLNarrowCpuViTTest implements ViTDeviceSuite {
    public Device device() {
        return OpenCLTesting.asNarrowCpu();
    }
}
