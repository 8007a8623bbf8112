package jvit.runtime.opencl;

import jvit.runtime.Device;
import jvit.runtime.TrainingKernelsTest;

/** The training kernel tests on the CPU kernels as an AVX2 machine gets them (8-float vectors), with 4 KiB of local memory. */
class OpenCLNarrowCpuTrainingKernelsTest extends TrainingKernelsTest {
    @Override
    protected Device device() {
        return OpenCLTesting.asNarrowCpu();
    }
}
