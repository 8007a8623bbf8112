package jvit.vit.model;

import jvit.runtime.Devices;
import org.junit.jupiter.api.Test;

/** Two training steps on tornado:0:0 against the java device's (as OpenCLTrainingStepTest): losses, parameters, moments within 1e-4. */
class TornadoTrainingStepTest {
    @Test
    void twoStepsAgreeWithTheJavaDevice() {
        OpenCLTrainingStepTest.assertTwoStepsAgreeWithJava(Devices.get("tornado:0:0"));
    }
}
