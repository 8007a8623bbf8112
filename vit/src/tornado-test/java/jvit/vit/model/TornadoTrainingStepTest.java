package jvit.vit.model;

import jvit.kernels.Op.Activation;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.UserError;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Two training steps on tornado:0:0 against the java device's (the suite's comparison): losses, parameters, moments within 1e-4. */
class TornadoTrainingStepTest implements DeviceTrainingStepTests {
    public Device device() {
        return Devices.get("tornado:0:0");
    }

    @Override
    @ParameterizedTest(name = "layerScale={0} regTokens={1} noEmbedClass={2} distilled={3} {4} preNorm and qkNorm={5}")
    @CsvSource({"0, 0, false, false, GELU, false", "0.5, 0, false, false, GELU, false", "0.5, 2, true, false, GELU, false",
            "0, 0, false, true, GELU, false", "0.5, 1, false, false, QUICK_GELU, true"})
    public void twoStepsAgreeWithTheJavaDevice(double layerScale, int regTokens, boolean noEmbedClass, boolean distilled,
                                               Activation activation, boolean preAndQkNorm) {
        try {
            DeviceTrainingStepTests.super.twoStepsAgreeWithTheJavaDevice(layerScale, regTokens, noEmbedClass, distilled, activation,
                    preAndQkNorm);
        } catch (UserError e) {
            // TornadoVM 5.2 holds at most 8 KiB of task code in one task graph; a training step needs more until jvit
            // splits a graph across TornadoVM task graphs. Any other refusal fails.
            if (!e.getMessage().contains("more tasks than one TornadoVM task graph holds")) throw e;
            Assumptions.abort("skipped: " + e.getMessage());
        }
    }
}
