package jvit.vit.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import jvit.runtime.Device;
import jvit.runtime.schedule.Deployment;
import jvit.vit.ViTConfig;
import jvit.vit.ViTPresets;
import jvit.vit.benchmark.PlacedTrainStep;
import jvit.vit.benchmark.TrainStepWorkload;
import jvit.vit.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vit bench train}: training throughput of one step (forward, backward, AdamW) on a device,
 * with the time per operator, or over several devices beside each of them alone: a preset, or the
 * Fashion-MNIST recipe's model ({@code --preset fashion-mnist}).
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Time the training step of a model on a device.")
final class TrainBenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--preset", defaultValue = "fashion-mnist",
            description = "fashion-mnist (the default model's recipe) or a ViT preset such as vit_small_patch16_224 (default ${DEFAULT-VALUE}).")
    String preset;
    @Option(names = "--batch", defaultValue = "128", description = "Images per step (default ${DEFAULT-VALUE}).")
    int batch;
    @Mixin
    MeasureOptions measure;
    @Option(names = "--devices", split = ",", paramLabel = "A,B", description = "Several devices, spread by --schedule; each is also timed alone.")
    List<String> devices;
    @Option(names = "--schedule", paramLabel = "S", description = "Over --devices: data-parallel (the default) or pipeline, as `vit train` runs them.")
    String schedule;

    @Override
    public void run() {
        Checks.positive(spec, "--batch", batch);
        measure.validate();
        ViTConfig c = preset.equals("fashion-mnist") ? TrainCommand.recipeModel() : ViTPresets.get(preset);
        Deployment d = DeploymentArguments.parse(spec, measure.device, devices, schedule, DeploymentArguments.Use.TRAINING, UnaryOperator.identity(), null);
        if (d.devices().size() == 1) {
            try (TrainStepWorkload step = TrainStepWorkload.open(c, batch, d.first())) {
                report(c, d, measure.measure(step::run), step.profile().nanosByKind(), Map.of());
            }
            return;
        }
        Timing placed;
        try (PlacedTrainStep step = PlacedTrainStep.open(c, batch, d)) {
            placed = measure.measure(step::run);
        }
        Map<String, Double> alone = new LinkedHashMap<>(); // the placement against each of its devices on its own
        for (Device one : d.devices())
            try (TrainStepWorkload step = TrainStepWorkload.open(c, batch, one)) {
                alone.put(one.id(), Math.round(batch / measure.measure(step::run).medianSeconds() * 100) / 100.0);
            }
        report(c, d, placed, Map.of(), alone);
    }

    /** @param byOp time by kind of operator, on one device only; {@code alone} images/s of each device, for a placement */
    private void report(ViTConfig c, Deployment d, Timing t, Map<String, Long> byOp, Map<String, Double> alone) {
        double seconds = t.medianSeconds();
        PrintWriter out = spec.commandLine().getOut();
        String ids = d.devices().stream().map(Device::id).collect(Collectors.joining(","));
        if (measure.json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", preset);
            r.put("device", ids);
            r.put("device_name", d.first().name());
            TornadoRelease.record(r, d.devices());
            r.put("schedule", d.schedule().id());
            r.put("batch", batch);
            r.put("images_per_s", Math.round(batch / seconds * 100) / 100.0);
            r.put("median_ms", Math.round(seconds * 1e6) / 1e3);
            r.put("min_ms", Math.round(t.minSeconds() * 1e6) / 1e3);
            r.put("max_ms", Math.round(t.maxSeconds() * 1e6) / 1e3);
            r.put("unstable", t.spread() > 0.1);
            r.put("parameters", c.parameters());
            Map<String, Object> ms = new LinkedHashMap<>();
            byOp.forEach((k, v) -> ms.put(k, Math.round(v / 1e4) / 100.0));
            if (!byOp.isEmpty()) r.put("profile_ms", ms);
            if (!alone.isEmpty()) r.put("alone_images_per_s", alone);
            out.println(Json.write(r));
            return;
        }
        out.printf("training step of %s (%,d parameters), batch %d, on %s (%s)%s%n%s", preset, c.parameters(), batch, ids,
                d.first().name(), d.devices().size() > 1 ? ", schedule " + d.schedule().id() : "", TornadoRelease.line(d.devices()));
        out.printf("  %.1f images/s: %.1f ms per step median (min %.1f, max %.1f, %d runs)%s%n", batch / seconds, seconds * 1e3,
                t.minSeconds() * 1e3, t.maxSeconds() * 1e3, t.nanos().length,
                t.spread() > 0.1 ? String.format("  [unstable: spread %.0f%%]", 100 * t.spread()) : "");
        alone.forEach((id, rate) -> out.printf("  %s alone: %.2f images/s (the placement: %.2fx)%n", id, rate, batch / seconds / rate));
        if (!byOp.isEmpty()) out.println("  time by operator (one profiled run): " + byOp.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format("%s %.1f ms", e.getKey(), e.getValue() / 1e6)).collect(Collectors.joining(", ")));
    }
}
