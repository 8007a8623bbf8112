package jvit.vit.cli;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import jvit.runtime.Device;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.ExecutionResult;
import jvit.runtime.Tensor;
import jvit.vit.ViTConfig;
import jvit.vit.ViTPresets;
import jvit.vit.io.Json;
import jvit.vit.model.ViTWeights;
import jvit.vit.train.Initialization;
import jvit.vit.train.Optimizer;
import jvit.vit.train.TrainSettings;
import jvit.vit.train.TrainingGraph;
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
        TrainSettings settings = new TrainSettings(1, batch, 1e-3, 0, 0, 0.05, 0.9, 0.999, 1e-8, 1, 0.1, 0, false, 0, 1, 1);
        try (Arena arena = Arena.ofShared()) {
            ViTWeights weights = ViTWeights.allocate(c, arena);
            Initialization.apply(weights, 1);
            Optimizer optimizer = new Optimizer(weights, arena);
            int size = c.imageSize();
            var io = new TrainingGraph.Io(Tensor.allocate("images", arena, batch, c.channels(), size, size),
                    Tensor.allocate("labels", arena, batch), Tensor.allocate("schedule", arena, 3),
                    Tensor.allocate("losses", arena, batch), Tensor.allocate("logits", arena, batch, c.numLabels()));
            SplittableRandom r = new SplittableRandom(1);
            for (long i = 0; i < io.images().elements(); i++) io.images().host().setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
            for (int i = 0; i < batch; i++) io.labels().host().setAtIndex(ValueLayout.JAVA_FLOAT, i, r.nextInt(c.numLabels()));
            io.schedule().host().setAtIndex(ValueLayout.JAVA_FLOAT, 0, 1e-4f);
            io.schedule().host().setAtIndex(ValueLayout.JAVA_FLOAT, 1, 0.1f);
            io.schedule().host().setAtIndex(ValueLayout.JAVA_FLOAT, 2, 0.001f);
            try (var plan = new ExecutionPlan(TrainingGraph.record(weights, optimizer, settings, io), d)) {
                plan.execute();
                Timing t = measure.measure(() -> plan.execute().totalNanos());
                ExecutionResult profile = plan.withProfiling(true).execute();
                report(c, d, t, profile);
            }
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
