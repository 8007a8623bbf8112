package jvit.runtime.opencl;

/** The kernel tests on the GPU kernels (tiled, through local memory), run on opencl:0 as if it were a GPU. */
class OpenCLGpuKernelsTest extends OpenCLKernelsTest {
    @Override
    OpenCLDevice device() {
        return OpenCLTesting.asGpu();
    }
}
