package jvit.runtime.tornado;

import static org.junit.jupiter.api.Assertions.*;

import jvit.runtime.Backend;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.UserError;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The tornado backend is found like the others, and either lists TornadoVM's devices or says in
 * one line why it has none. Without an SDK this is where the tornado tests report why they skip.
 */
class TornadoBackendTest {
    @Test
    void listsTornadoDevicesOrSaysWhyNot() {
        Backend tornado = Devices.backends().stream().filter(b -> b.name().equals("tornado")).findFirst().orElseThrow();
        if (tornado.unavailable().isPresent()) {
            String reason = tornado.unavailable().get();
            assertTrue(tornado.devices().isEmpty());
            assertFalse(reason.contains("\n"), reason);
            assertTrue(reason.contains("TORNADOVM_HOME") || reason.contains("TornadoVM"), reason);
            var e = assertThrows(UserError.class, () -> Devices.get("tornado:0:0"));
            assertTrue(e.getMessage().contains(reason), e.getMessage());
            System.out.println("TornadoVM tests skipped: " + reason);
            Assumptions.abort("TornadoVM tests skipped: " + reason);
        }
        assertFalse(tornado.devices().isEmpty());
        for (Device d : tornado.devices()) {
            assertTrue(d.id().matches("tornado:\\d+:\\d+"), d.id());
            assertFalse(d.name().isBlank());
            assertTrue(d.properties().containsKey("driver"), d.properties().toString());
            assertSame(d, Devices.get(d.id()));
        }
    }
}
