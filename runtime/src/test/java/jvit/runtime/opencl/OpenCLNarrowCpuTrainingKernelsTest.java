package jvit.runtime.opencl;

/** The training kernel tests on the CPU kernels as an AVX2 machine gets them (8-float vectors), with 4 KiB of local memory. */
class OpenCLNarrowCpuTrainingKernelsTest extends OpenCLTrainingKernelsTest {
    @Override
    OpenCLDevice device() {
        return OpenCLTesting.asNarrowCpu();
    }
}
