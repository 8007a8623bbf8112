package jvit.runtime;

import java.nio.file.Path;
import java.util.Map;

/**
 * A place that runs task graphs: the Java CPU kernels, an OpenCL device, a CUDA GPU. A backend's
 * devices are found through {@link Backend}; users name them by {@link #id()}.
 */
public interface Device {
    /** The id users type: {@code java}, {@code opencl:0}, {@code cuda:0}. */
    String id();

    /** A human-readable name, such as the GPU's model. */
    String name();

    /** What the device is and can do, for {@code vit devices}: vendor, compute units, memory, ... in a fixed order. */
    Map<String, String> properties();

    /**
     * Prepares {@code graph} to run here: allocates its tensors, compiles its kernels. The result
     * holds device resources until closed.
     */
    Executable load(ImmutableTaskGraph graph);

    /**
     * This device, taking its kernel programs from {@code file} (made by {@code vit kernels build}
     * or {@code vit kernels pack}) instead of compiling their sources: how FPGAs run, whose
     * kernels are compiled offline. The file is checked against the device now, and its programs
     * built once in a child process (a crafted binary may crash the driver); each program is
     * built here when a graph needs it. A device whose kernels are not compiled programs refuses.
     */
    default Device withProgramBinaries(Path file) {
        throw new UserError(file + ": device " + id() + " runs no compiled kernel programs; program binaries are for"
                + " OpenCL devices (--device opencl:N, see `vit devices`)");
    }
}
