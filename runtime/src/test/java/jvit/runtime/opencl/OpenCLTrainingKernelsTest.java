package jvit.runtime.opencl;

import jvit.runtime.Device;
import jvit.runtime.TrainingKernelsTest;

/** The training kernel tests on opencl:0 as it is: the CPU kernels PoCL gets. */
class OpenCLTrainingKernelsTest extends TrainingKernelsTest {
    @Override
    protected Device device() {
        return OpenCLTesting.device();
    }
}
