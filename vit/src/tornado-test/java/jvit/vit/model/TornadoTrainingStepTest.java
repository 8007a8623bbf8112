package jvit.vit.model;

import jvit.runtime.Device;
import jvit.runtime.Devices;

/**
 * Two training steps on tornado:0:0 against the java device's (the suite's comparison): losses, parameters, moments
 * within 1e-4. A step is larger than one TornadoVM task graph holds: it runs split across several.
 */
class TornadoTrainingStepTest implements DeviceTrainingStepTests {
    public Device device() {
        return Devices.get("tornado:0:0");
    }
}
