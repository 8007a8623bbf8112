package jvit.vit.cli;

import java.util.function.LongSupplier;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options every benchmark shares: where it runs, how often, and how it reports. */
final class MeasureOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--device", defaultValue = "auto", description = "Device id from `vit devices` (default ${DEFAULT-VALUE}).")
    String device;
    @Option(names = "--warmup", defaultValue = "3", description = "Untimed runs first (default ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--warmup-seconds", defaultValue = "3", description = "... and for at least this long (default ${DEFAULT-VALUE}).")
    double warmupSeconds;
    @Option(names = "--runs", defaultValue = "10", description = "Timed runs (default ${DEFAULT-VALUE}).")
    int runs;
    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    /** Checks the counts; commands call it before any slow work. */
    void validate() {
        Checks.positive(spec, "--runs", runs);
        Checks.nonNegative(spec, "--warmup", warmup);
        Checks.nonNegative(spec, "--warmup-seconds", warmupSeconds);
    }

    Device device() {
        return Devices.get(device);
    }

    Timing measure(LongSupplier once) {
        return Timing.measure(warmup, warmupSeconds, runs, once);
    }
}
