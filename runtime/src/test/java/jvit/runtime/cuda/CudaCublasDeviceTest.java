package jvit.runtime.cuda;

import jvit.runtime.Device;

/** The CUDA device suite with every matmul by cuBLAS and the epilogue kernel (skipped without a GPU or cuBLAS). */
class CudaCublasDeviceTest extends CudaDeviceTest {
    @Override
    public Device device() {
        return CudaTesting.withCublas();
    }
}
