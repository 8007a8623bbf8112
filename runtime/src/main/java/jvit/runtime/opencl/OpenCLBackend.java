package jvit.runtime.opencl;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import jvit.runtime.Device;
import jvit.runtime.driver.DriverBackend;

/**
 * OpenCL devices over every installed platform (driver), numbered {@code opencl:0},
 * {@code opencl:1}, ... in platform order. Without the library or a driver the backend is
 * unavailable and says what to install.
 */
public final class OpenCLBackend extends DriverBackend {
    private static final String INSTALL = "apt-get install pocl-opencl-icd (OpenCL on the CPU) or a GPU vendor's OpenCL driver";

    public String name() { return "opencl"; }

    /**
     * The references jvit holds now to OpenCL objects of each kind ({@code context}, {@code queue},
     * {@code buffer}, {@code program}, {@code kernel}, {@code event}): what a soak run watches to
     * tell a leak in the driver from the heap's growth. None without the OpenCL library.
     */
    public static Map<String, Long> liveObjects() {
        Map<String, Long> live = new LinkedHashMap<>();
        if (OpenCLLibrary.problem().isPresent()) return live;
        CL.live().forEach((kind, n) -> live.put(kind.name().toLowerCase(Locale.ROOT), n));
        return live;
    }

    protected Discovery discover() {
        Optional<String> missing = OpenCLLibrary.problem();
        if (missing.isPresent()) return Discovery.unavailable(missing.get());
        try {
            List<Device> found = new ArrayList<>();
            for (MemorySegment platform : CL.platforms())
                for (MemorySegment device : CL.devices(platform))
                    found.add(new OpenCLDevice("opencl:" + found.size(), platform, device));
            if (found.isEmpty())
                return Discovery.unavailable("no OpenCL driver or device is installed (see /etc/OpenCL/vendors); " + INSTALL);
            return Discovery.found(found);
        } catch (RuntimeException | LinkageError e) {
            return Discovery.unavailable("OpenCL failed to list its devices (" + e.getMessage() + "); " + INSTALL);
        }
    }
}
