package jvit.vit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import jvit.runtime.Device;
import jvit.runtime.opencl.KernelBinaries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vit kernels build}: compiles a model's programs on an OpenCL device and writes their binaries to a file. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Compile, on an OpenCL device, every program a model's forward pass needs, and write their binaries to a file.")
final class KernelsBuildCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ForwardProgramsOptions programs;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The kernel binary file to write (replaced atomically).")
    Path out;

    @Override
    public void run() {
        programs.validate();
        Checks.notAnInput("--out", this.out, programs.inputFiles());
        Device device = programs.device();
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        var written = programs.withGraphs(graphs -> KernelBinaries.build(device, graphs, this.out, program -> {
            out.println("built " + program);
            out.flush();
        }));
        out.printf("wrote %s: %d programs for %s (%s), batches up to %d, %.1f MiB of binaries, in %.1f s%n", this.out,
                written.programs(), device.id(), device.name(), programs.batch, written.binaryBytes() / 1048576.0,
                (System.nanoTime() - start) / 1e9);
    }
}
