package jvit.vit.model;

import static jvit.vit.model.PlacedForwardTest.assertSameLogits;
import static jvit.vit.model.PlacedForwardTest.pipeline;
import static jvit.vit.model.PlacedForwardTest.profile;

import java.util.List;
import java.util.Map;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.TestDevices;
import jvit.runtime.schedule.Deployment;
import jvit.runtime.schedule.DeviceProfile;
import jvit.runtime.schedule.Schedule;
import org.junit.jupiter.api.Test;

/** The forward pass placed over java and a TornadoVM device gives the logits of java alone, within 1e-4 relative (as PlacedForwardTest). */
class TornadoPlacedForwardTest {
    @Test
    void aPipelineOverJavaAndTornadoGivesTheLogitsOfOneDevice() {
        assertSameLogits(pipeline(List.of(Devices.get("java"), TestDevices.first("tornado")), 1, 1), 2);
    }

    @Test
    void autoOverJavaAndTornadoGivesTheLogitsOfOneDevice() {
        Device java = Devices.get("java"), tornado = TestDevices.first("tornado");
        // As PlacedForwardTest's auto case: the products to tornado, the small operators to java, many stages.
        Map<Device, DeviceProfile> profiles = Map.of(java, profile(10, 1000, 1000, 0, 0), tornado, profile(1e6, 1000, 1000, 10, 0));
        assertSameLogits(new Deployment(List.of(java, tornado), Schedule.AUTO, profiles::get), 3);
    }
}
