package jvit.runtime.cuda;

import static org.junit.jupiter.api.Assertions.*;

import jvit.runtime.UserError;
import org.junit.jupiter.api.Test;

/** PTX when the driver can compile what NVRTC writes, machine code for the device when it cannot. */
class CompileTargetTest {
    private static final int[] NVRTC_12_4 = {50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87, 89, 90};

    @Test
    void anOlderNvrtcWritesPtxForTheDevicesArchitecture() {
        CompileTarget t = CompileTarget.choose(90, 12_080, 12_040, NVRTC_12_4);
        assertEquals(new CompileTarget(90, false), t);
        assertEquals("--gpu-architecture=compute_90", t.option());
    }

    @Test
    void aDeviceNewerThanNvrtcGetsPtxForTheNewestArchitectureNvrtcKnows() {
        assertEquals(new CompileTarget(90, false), CompileTarget.choose(100, 12_080, 12_040, NVRTC_12_4));
        assertEquals(new CompileTarget(90, false), CompileTarget.choose(120, 12_080, 12_040, NVRTC_12_4));
    }

    @Test
    void anNvrtcNewerThanTheDriverWritesMachineCode() {
        CompileTarget t = CompileTarget.choose(80, 12_020, 12_040, NVRTC_12_4);
        assertEquals(new CompileTarget(80, true), t);
        assertEquals("--gpu-architecture=sm_80", t.option());
        assertEquals(new CompileTarget(86, true), CompileTarget.choose(86, 12_020, 12_040, NVRTC_12_4));
    }

    @Test
    void withNeitherPathTheUserIsToldWhatToChange() {
        var e = assertThrows(UserError.class, () -> CompileTarget.choose(100, 12_020, 12_040, NVRTC_12_4));
        assertEquals("NVRTC 12.4 is newer than the driver (CUDA 12.2) and does not know compute capability 10.0;"
                + " update the NVIDIA driver, or set JVIT_NVRTC to an NVRTC no newer than 12.2", e.getMessage());
        var old = assertThrows(UserError.class, () -> CompileTarget.choose(35, 12_020, 12_040, NVRTC_12_4));
        assertTrue(old.getMessage().startsWith("NVRTC 12.4 knows no architecture up to compute capability 3.5"), old.getMessage());
    }
}
