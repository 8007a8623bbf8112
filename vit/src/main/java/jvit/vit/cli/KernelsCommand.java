package jvit.vit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vit kernels}: OpenCL programs compiled ahead of time into a file, for FPGAs and for starting without compiling. */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "Compile a model's OpenCL programs ahead of time into a kernel binary file, run later with --kernel-binary.",
        subcommands = {KernelsBuildCommand.class, KernelsSourcesCommand.class, KernelsPackCommand.class})
final class KernelsCommand implements Runnable {
    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "say what to do: build, sources or pack");
    }
}
