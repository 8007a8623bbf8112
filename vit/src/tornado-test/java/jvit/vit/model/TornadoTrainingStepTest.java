package jvit.vit.model;

import jvit.runtime.Devices;
import jvit.runtime.UserError;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Two training steps on tornado:0:0 against the java device's (as OpenCLTrainingStepTest): losses, parameters, moments within 1e-4. */
class TornadoTrainingStepTest {
    @Test
    void twoStepsAgreeWithTheJavaDevice() {
        try {
            OpenCLTrainingStepTest.assertTwoStepsAgreeWithJava(Devices.get("tornado:0:0"));
        } catch (UserError e) {
            // TornadoVM 5.2 holds at most 8 KiB of task code in one task graph; a training step needs more until jvit
            // splits a graph across TornadoVM task graphs. Any other refusal fails.
            if (!e.getMessage().contains("more tasks than one TornadoVM task graph holds")) throw e;
            Assumptions.abort("skipped: " + e.getMessage());
        }
    }
}
