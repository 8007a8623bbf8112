package jvit.runtime.opencl;

import jvit.runtime.Device;
import jvit.runtime.TrainingKernelsTest;

/** The training kernel tests on the GPU kernels, run on opencl:0 as if it were a GPU. */
class OpenCLGpuTrainingKernelsTest extends TrainingKernelsTest {
    @Override
    protected Device device() {
        return OpenCLTesting.asGpu();
    }
}
