package jvit.runtime.cuda;

import static org.junit.jupiter.api.Assertions.*;

import jvit.runtime.Backend;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.UserError;
import org.junit.jupiter.api.Test;

/** The backend as found on this machine: devices with their properties, or one line saying why there are none. */
class CudaBackendTest {
    @Test
    void theBackendIsListedAndEitherHasDevicesOrSaysWhyNot() {
        Backend cuda = CudaTesting.backend();
        assertEquals("cuda", cuda.name());
        if (cuda.unavailable().isPresent()) {
            String reason = cuda.unavailable().get();
            assertTrue(cuda.devices().isEmpty());
            assertFalse(reason.isBlank() || reason.contains("\n"), reason);
            var e = assertThrows(UserError.class, () -> Devices.get("cuda:0"));
            assertEquals("device cuda:0 is not available: " + reason, e.getMessage());
            assertFalse(Devices.get("auto").id().startsWith("cuda"), "auto passes an unavailable backend over");
        } else {
            Device d = cuda.devices().getFirst();
            assertEquals("cuda:0", d.id());
            assertEquals("GPU", d.properties().get("type"));
            assertTrue(d.properties().get("compute capability").matches("\\d+\\.\\d"), d.properties().toString());
            assertEquals(d, Devices.get("auto"), "auto prefers a CUDA GPU");
        }
    }

    /** With a driver library but no GPU (as here with a driver package unpacked), cuInit's answer is the reason. */
    @Test
    void aDriverWithoutAGpuSaysSo() {
        Backend cuda = CudaTesting.backend();
        if (DriverLibrary.problem().isEmpty() && cuda.unavailable().isPresent() && !cuda.unavailable().get().contains("NVRTC"))
            assertTrue(cuda.unavailable().get().contains("CUDA_ERROR_"), cuda.unavailable().get());
        if (DriverLibrary.problem().isPresent())
            assertEquals(DriverLibrary.problem().get(), cuda.unavailable().orElseThrow());
    }
}
