package jvit.vit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vit bench}: timings of single kernels, whole models and training steps on a device, and the report comparing devices. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark a kernel, a model or a training step on a device, or compare devices.",
        subcommands = {KernelBenchCommand.class, ModelBenchCommand.class, TrainBenchCommand.class, ReportBenchCommand.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "say what to benchmark: kernel, model, train or report");
    }
}
