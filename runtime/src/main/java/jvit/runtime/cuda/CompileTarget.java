package jvit.runtime.cuda;

import java.util.Arrays;
import jvit.runtime.UserError;

/**
 * What NVRTC compiles the kernels to for one device: PTX for the highest virtual architecture it
 * knows up to the device's compute capability, which the driver compiles on load; or, when NVRTC
 * is newer than the driver (whose PTX compiler would refuse the newer PTX), machine code (CUBIN)
 * for the device's own architecture family, which needs no compiler in the driver.
 *
 * @param arch compute capability as 10 · major + minor, such as 90
 */
record CompileTarget(int arch, boolean cubin) {
    /**
     * @param capability the device's compute capability, 10 · major + minor
     * @param driver the CUDA version the driver supports, 1000 · major + 10 · minor
     * @param nvrtc NVRTC's version in the same form
     * @param nvrtcArchs the architectures NVRTC can target, 10 · major + minor
     */
    static CompileTarget choose(int capability, int driver, int nvrtc, int[] nvrtcArchs) {
        int arch = Arrays.stream(nvrtcArchs).filter(a -> a <= capability).max()
                .orElseThrow(() -> new UserError("NVRTC " + version(nvrtc) + " knows no architecture up to compute capability "
                        + capability / 10 + "." + capability % 10 + " (it knows " + Arrays.toString(nvrtcArchs)
                        + "); set JVIT_NVRTC to an NVRTC that does"));
        if (nvrtc <= driver) return new CompileTarget(arch, false);
        if (arch / 10 == capability / 10) return new CompileTarget(arch, true);
        throw new UserError("NVRTC " + version(nvrtc) + " is newer than the driver (CUDA " + version(driver)
                + ") and does not know compute capability " + capability / 10 + "." + capability % 10
                + "; update the NVIDIA driver, or set JVIT_NVRTC to an NVRTC no newer than " + version(driver));
    }

    /** NVRTC's option for this target. */
    String option() {
        return "--gpu-architecture=" + (cubin ? "sm_" : "compute_") + arch;
    }

    /** 12020 → "12.2". */
    static String version(int v) {
        return v / 1000 + "." + v % 1000 / 10;
    }
}
