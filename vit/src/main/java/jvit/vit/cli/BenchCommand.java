package jvit.vit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vit bench}: timings of single kernels and of whole models on a device. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark a kernel or a whole model on a device.",
        subcommands = {KernelBenchCommand.class, ModelBenchCommand.class, TrainBenchCommand.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "say what to benchmark: kernel or model");
    }
}
