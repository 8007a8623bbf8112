package jvit.vit.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import jvit.runtime.Device;
import jvit.runtime.ExecutionResult;
import jvit.vit.ViTConfig;
import jvit.vit.ViTPresets;
import jvit.vit.benchmark.TrainStepWorkload;
import jvit.vit.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vit bench train}: training throughput of one step (forward, backward, AdamW) on a device,
 * with the time per operator: a preset, or the Fashion-MNIST recipe's model ({@code --preset fashion-mnist}).
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

    @Override
    public void run() {
        Checks.positive(spec, "--batch", batch);
        measure.validate();
        ViTConfig c = preset.equals("fashion-mnist") ? TrainCommand.recipeModel() : ViTPresets.get(preset);
        Device d = measure.device();
        try (TrainStepWorkload step = TrainStepWorkload.open(c, batch, d)) {
            Timing t = measure.measure(step::run);
            report(c, d, t, step.profile());
        }
    }

    private void report(ViTConfig c, Device d, Timing t, ExecutionResult profile) {
        double seconds = t.medianSeconds();
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Long> byOp = profile.nanosByKind();
        if (measure.json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", preset);
            r.put("device", d.id());
            r.put("device_name", d.name());
            r.put("batch", batch);
            r.put("images_per_s", Math.round(batch / seconds * 100) / 100.0);
            r.put("median_ms", Math.round(seconds * 1e6) / 1e3);
            r.put("min_ms", Math.round(t.minSeconds() * 1e6) / 1e3);
            r.put("max_ms", Math.round(t.maxSeconds() * 1e6) / 1e3);
            r.put("unstable", t.spread() > 0.1);
            r.put("parameters", c.parameters());
            Map<String, Object> ms = new LinkedHashMap<>();
            byOp.forEach((k, v) -> ms.put(k, Math.round(v / 1e4) / 100.0));
            r.put("profile_ms", ms);
            out.println(Json.write(r));
            return;
        }
        out.printf("training step of %s (%,d parameters), batch %d, on %s (%s)%n", preset, c.parameters(), batch, d.id(), d.name());
        out.printf("  %.1f images/s: %.1f ms per step median (min %.1f, max %.1f, %d runs)%s%n", batch / seconds, seconds * 1e3,
                t.minSeconds() * 1e3, t.maxSeconds() * 1e3, t.nanos().length,
                t.spread() > 0.1 ? String.format("  [unstable: spread %.0f%%]", 100 * t.spread()) : "");
        out.println("  time by operator (one profiled run): " + byOp.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format("%s %.1f ms", e.getKey(), e.getValue() / 1e6)).collect(Collectors.joining(", ")));
    }
}
