package jvit.vit.model;

import jvit.runtime.Device;
import jvit.runtime.opencl.OpenCLTesting;

/** The model suite on the GPU kernels, run on opencl:0 as if it were a GPU. */
class OpenCLGpuViTTest implements ViTDeviceSuite {
    public Device device() {
        return OpenCLTesting.asGpu();
    }
}
