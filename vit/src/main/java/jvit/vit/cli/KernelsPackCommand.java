package jvit.vit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jvit.runtime.Device;
import jvit.runtime.opencl.KernelBinaries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vit kernels pack}: the binaries an offline compiler made from {@code vit kernels sources}, wrapped into a kernel binary file. */
@Command(name = "pack", mixinStandardHelpOptions = true,
        description = "Wrap the binaries an offline compiler made from `vit kernels sources` (NAME.aocx, NAME.xclbin or NAME.bin in DIR)"
                + " into a kernel binary file for an OpenCL device.")
final class KernelsPackCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ForwardProgramsOptions programs;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The kernel binary file to write (replaced atomically).")
    Path out;

    @Parameters(index = "0", paramLabel = "DIR", description = "The folder `vit kernels sources` wrote, with the compiled binaries.")
    Path dir;

    @Override
    public void run() {
        programs.validate();
        List<Path> inputs = new ArrayList<>(programs.inputFiles());
        inputs.addAll(Checks.filesIn(dir));
        Checks.notAnInput("--out", this.out, inputs);
        Device device = programs.device();
        PrintWriter out = spec.commandLine().getOut();
        var written = programs.withGraphs(graphs -> KernelBinaries.pack(device, graphs, dir, this.out, program -> {}));
        out.printf("wrote %s: %d programs from %s, %.1f MiB of binaries, for %s (%s)%n", this.out, written.programs(), dir,
                written.binaryBytes() / 1048576.0, device.id(), device.name());
    }
}
