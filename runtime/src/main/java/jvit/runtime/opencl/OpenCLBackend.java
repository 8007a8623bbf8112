package jvit.runtime.opencl;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jvit.runtime.Backend;
import jvit.runtime.Device;

/**
 * OpenCL devices over every installed platform (driver), numbered {@code opencl:0},
 * {@code opencl:1}, ... in platform order. Without the library or a driver the backend is
 * unavailable and says what to install.
 */
public final class OpenCLBackend implements Backend {
    private static final String INSTALL = "apt-get install pocl-opencl-icd (OpenCL on the CPU) or a GPU vendor's OpenCL driver";

    private volatile Discovery discovery;

    private record Discovery(List<Device> devices, Optional<String> unavailable) {}

    public String name() { return "opencl"; }

    public List<Device> devices() { return discovery().devices(); }

    public Optional<String> unavailable() { return discovery().unavailable(); }

    private Discovery discovery() {
        if (discovery == null) {
            synchronized (this) {
                if (discovery == null) discovery = discover();
            }
        }
        return discovery;
    }

    private static Discovery discover() {
        Optional<String> missing = OpenCLLibrary.problem();
        if (missing.isPresent()) return new Discovery(List.of(), missing);
        try {
            List<Device> found = new ArrayList<>();
            for (MemorySegment platform : CL.platforms())
                for (MemorySegment device : CL.devices(platform))
                    found.add(new OpenCLDevice("opencl:" + found.size(), platform, device));
            if (found.isEmpty())
                return new Discovery(List.of(), Optional.of("no OpenCL driver or device is installed (see /etc/OpenCL/vendors); " + INSTALL));
            return new Discovery(List.copyOf(found), Optional.empty());
        } catch (RuntimeException | LinkageError e) {
            return new Discovery(List.of(), Optional.of("OpenCL failed to list its devices (" + e.getMessage() + "); " + INSTALL));
        }
    }
}
