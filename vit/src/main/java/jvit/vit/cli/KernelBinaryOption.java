package jvit.vit.cli;

import java.nio.file.Path;
import jvit.runtime.Device;
import picocli.CommandLine.Option;

/** {@code --kernel-binary FILE}: the device runs kernel programs from a file of binaries instead of compiling their sources. */
final class KernelBinaryOption {
    @Option(names = "--kernel-binary", paramLabel = "FILE", description = "Take the OpenCL programs from FILE (made by `vit kernels"
            + " build` or `vit kernels pack` for this device) instead of compiling kernel sources: how FPGAs run.")
    Path file;

    /** The device, taking its programs from the file when one is given. */
    Device on(Device device) {
        return file == null ? device : device.withProgramBinaries(file);
    }
}
