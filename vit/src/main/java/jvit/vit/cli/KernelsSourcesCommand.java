package jvit.vit.cli;

import java.nio.file.Path;
import java.util.List;
import jvit.runtime.Device;
import jvit.runtime.opencl.KernelBinaries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vit kernels sources}: a model's programs as source files for an FPGA vendor's offline compiler. */
@Command(name = "sources", mixinStandardHelpOptions = true,
        description = "Write every program a model's forward pass needs on an OpenCL device as one source file each (NAME.cl,"
                + " definitions included), and programs.txt (NAME KERNEL... per line), for an offline compiler such as aoc or v++.")
final class KernelsSourcesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ForwardProgramsOptions programs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The folder to write them to (created if missing).")
    Path out;

    @Override
    public void run() {
        programs.validate();
        Device device = programs.device();
        List<Path> sources = programs.withGraphs(graphs -> KernelBinaries.writeSources(device, graphs, out));
        spec.commandLine().getOut().printf("wrote %d program sources and programs.txt to %s; compile each NAME.cl to NAME.aocx (aoc)"
                + " or NAME.xclbin (v++) there, then run `vit kernels pack`%n", sources.size(), out);
    }
}
