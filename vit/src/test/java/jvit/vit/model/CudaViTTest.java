package jvit.vit.model;

import jvit.runtime.Device;
import jvit.runtime.TestDevices;

/** The model suite on cuda:0 with jvit's matmul kernel (skipped without a GPU, failed with JVIT_REQUIRE_CUDA set). */
class CudaViTTest implements ViTDeviceSuite {
    public Device device() {
        return TestDevices.first("cuda");
    }
}
