package jvit.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.vit.benchmark.KernelCase;
import jvit.vit.benchmark.KernelCases;
import jvit.vit.benchmark.ModelCase;
import jvit.vit.benchmark.ModelCases;
import jvit.vit.benchmark.Support;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The JMH benchmarks on every device present, asking each device first what it can run: a
 * kernel it has no kernel for, or a whole step with such an operator, is skipped, and so is a
 * model that does not fit in memory; each skip is printed as a note at the end, after the results
 * of all runs together.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar jvit.bench.Suite [--devices java,opencl:0]
 * [--kernels | --models] [--json FILE] [JMH options, such as -wi 1 -i 3]}
 */
public final class Suite {
    private final ChainedOptionsBuilder jmh;
    private final List<RunResult> results = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private Suite(CommandLineOptions jmh) {
        this.jmh = new OptionsBuilder().parent(jmh);
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        List<Device> devices = option(rest, "--devices").map(ids -> Arrays.stream(ids.split(",")).map(Devices::get).toList())
                .orElseGet(Devices::all);
        boolean kernels = rest.remove("--kernels"), models = rest.remove("--models");
        Optional<String> json = option(rest, "--json");
        Suite suite = new Suite(new CommandLineOptions(rest.toArray(String[]::new)));
        for (Device d : devices) {
            if (!models) suite.kernels(d);
            if (!kernels) suite.models(d);
        }
        System.out.println("\nAll results:");
        ResultFormatFactory.getInstance(ResultFormatType.TEXT, System.out).writeOut(suite.results);
        json.ifPresent(file -> ResultFormatFactory.getInstance(ResultFormatType.JSON, file).writeOut(suite.results));
        suite.notes.forEach(n -> System.out.println("skipped: " + n));
    }

    /** Removes {@code name VALUE} from the arguments; the value. */
    private static Optional<String> option(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0) return Optional.empty();
        if (i + 1 == args.size()) throw new IllegalArgumentException(name + " needs a value");
        String value = args.remove(i + 1);
        args.remove(i);
        return Optional.of(value);
    }

    private void kernels(Device d) throws RunnerException {
        List<String> supported = new ArrayList<>();
        for (KernelCase c : KernelCases.all()) {
            Optional<String> missing = Support.missingKernel(d, c);
            if (missing.isPresent()) notes.add(c.name() + " on " + d.id() + ": " + missing.get());
            else supported.add(c.name());
        }
        if (!supported.isEmpty()) run(KernelBench.class, Map.of("device", List.of(d.id()), "kernel", supported));
    }

    private void models(Device d) throws RunnerException {
        for (ModelCase.Step step : ModelCase.Step.values()) {
            Optional<String> missing = Support.missingKernel(d, step);
            if (missing.isPresent()) {
                notes.add(step + " on " + d.id() + ": " + missing.get());
                continue;
            }
            for (String model : ModelCases.MODELS)
                for (int batch : ModelCases.BATCHES) {
                    ModelCase c = ModelCases.of(model, batch, step);
                    Optional<String> large = Support.tooLarge(c.cost());
                    if (large.isPresent()) notes.add(c.title() + " on " + d.id() + ": " + large.get());
                    else run(step == ModelCase.Step.FORWARD ? ForwardBench.class : TrainStepBench.class,
                            Map.of("device", List.of(d.id()), "model", List.of(model), "batch", List.of(Integer.toString(batch))));
                }
        }
    }

    /** Runs one benchmark class with these values of its parameters. */
    private void run(Class<?> benchmark, Map<String, List<String>> params) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder().parent(jmh.build()).include("^" + benchmark.getName() + "\\.");
        params.forEach((name, values) -> options.param(name, values.toArray(String[]::new)));
        results.addAll(new Runner(options.build()).run());
    }
}
