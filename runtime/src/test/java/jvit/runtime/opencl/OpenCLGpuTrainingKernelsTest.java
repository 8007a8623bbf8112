package jvit.runtime.opencl;

/** The training kernel tests on the GPU kernels, run on opencl:0 as if it were a GPU. */
class OpenCLGpuTrainingKernelsTest extends OpenCLTrainingKernelsTest {
    @Override
    OpenCLDevice device() {
        return OpenCLTesting.asGpu();
    }
}
