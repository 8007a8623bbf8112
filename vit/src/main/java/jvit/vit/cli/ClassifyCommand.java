package jvit.vit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jvit.runtime.schedule.Deployment;
import jvit.vit.Classifier;
import jvit.vit.image.Images;
import jvit.vit.io.Json;
import jvit.vit.model.ViTModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vit classify}: the top classes of each image, as text or JSON lines. */
@Command(name = "classify", mixinStandardHelpOptions = true, description = "Classify images (PNG, JPEG, BMP, GIF) or directories of them.")
final class ClassifyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--device", defaultValue = "auto", description = "Device id from `vit devices` (default ${DEFAULT-VALUE}).")
    String device;

    @Mixin
    PlacementOptions placement;

    @Mixin
    KernelBinaryOption kernelBinary;

    @Option(names = "--topk", defaultValue = "3", description = "Classes to show per image (default ${DEFAULT-VALUE}).")
    int topk;

    @Option(names = "--batch", defaultValue = "8", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--json", description = "One JSON object per image and line: {\"image\", \"top\": [{\"index\", \"label\", \"probability\"}]}.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "IMAGE|DIR", description = "Image files, or directories whose images are taken in name order.")
    List<Path> inputs;

    @Override
    public void run() {
        modelOptions.validate();
        Checks.positive(spec, "--topk", topk, "--batch", batch);
        List<Path> images = Images.list(inputs);
        PrintWriter out = spec.commandLine().getOut();
        try (ViTModel model = modelOptions.open()) {
            Deployment d = placement.deployment(device, kernelBinary, model.weights(), Math.clamp(images.size(), 1, batch));
            classify(model, d, images, out);
        }
    }

    private void classify(ViTModel model, Deployment d, List<Path> images, PrintWriter out) {
        try (Classifier classifier = new Classifier(model, d, batch)) {
            if (placement.explain && !images.isEmpty()) placement.explain(out, classifier.inference(Math.min(batch, images.size())), d);
            classifier.classify(images, topk, predictions -> {
                for (Classifier.Prediction p : predictions) out.println(json ? json(p) : text(p));
                out.flush();
            });
        }
    }

    static String text(Classifier.Prediction p) {
        StringBuilder s = new StringBuilder(p.image().toString());
        for (Classifier.Score score : p.top()) s.append(String.format("  %s %.1f%%", score.label(), 100 * score.probability()));
        return s.toString();
    }

    static String json(Classifier.Prediction p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("image", p.image().toString());
        o.put("top", p.top().stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", s.index());
            m.put("label", s.label());
            m.put("probability", s.probability());
            return m;
        }).toList());
        return Json.write(o);
    }
}
