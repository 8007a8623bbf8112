package jvit.runtime.cuda;

import jvit.runtime.Device;
import jvit.runtime.TrainingKernelsTest;

/** The training kernel tests on cuda:0 (skipped without a GPU). */
class CudaTrainingKernelsTest extends TrainingKernelsTest {
    @Override
    protected Device device() {
        return CudaTesting.device();
    }
}
