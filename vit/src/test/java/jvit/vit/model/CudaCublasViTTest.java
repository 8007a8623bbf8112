package jvit.vit.model;

import jvit.runtime.Device;
import jvit.runtime.cuda.CudaTesting;

/** The model suite on cuda:0 with every matmul by cuBLAS (skipped without a GPU or cuBLAS). */
class CudaCublasViTTest implements ViTDeviceSuite {
    public Device device() {
        return CudaTesting.withCublas();
    }
}
