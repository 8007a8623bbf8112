package jvit.vit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jvit.runtime.Device;

import jvit.vit.Classifier;
import jvit.vit.DefaultModel;
import jvit.vit.image.Images;
import jvit.vit.model.AutoDevice;
import jvit.vit.model.ViTModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vit demo}: the default model on the bundled sample images, as a small table. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Classify the bundled Fashion-MNIST sample images with the default model.")
final class DemoCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--device", defaultValue = "auto", description = "Device id from `vit devices` (default ${DEFAULT-VALUE}: the fastest present).")
    String device;

    @Mixin
    KernelBinaryOption kernelBinary;

    /** Class names as file names can carry them: "T-shirt/top" and "t-shirt_top" are the same class. */
    private static String comparable(String label) {
        return label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", " ").trim();
    }

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        DefaultModel defaults = DefaultModel.find();
        List<Path> images = Images.list(List.of(defaults.samples()));
        List<Classifier.Prediction> all = new ArrayList<>();
        long start = System.nanoTime();
        try (ViTModel model = ViTModel.openDirectory(defaults.directory())) {
            Device d = kernelBinary.on(AutoDevice.resolve(device, model.weights(), images.size()));
            run(model, d, images, defaults, all, start, out);
        }
    }

    private void run(ViTModel model, Device d, List<Path> images, DefaultModel defaults, List<Classifier.Prediction> all, long start,
                     PrintWriter out) {
        try (Classifier classifier = new Classifier(model, d, images.size())) {
            classifier.classify(images, 1, all::addAll);
            double ms = (System.nanoTime() - start) / 1e6;
            out.printf("model %s (%,d parameters) on %s (%s)%n", defaults.directory().getFileName(), model.config().parameters(), d.id(), d.name());
            if (!defaults.trained())
                out.println("note: no trained model is bundled yet; this placeholder has random weights, so its predictions are chance");
            out.printf("%n%-24s %-14s %8s  %-14s%n", "image", "prediction", "prob", "truth");
            int correct = 0;
            for (Classifier.Prediction p : all) {
                String name = p.image().getFileName().toString();
                String truth = name.replaceFirst("^\\d+-", "").replaceFirst("\\.png$", "");
                Classifier.Score top = p.top().getFirst();
                boolean right = comparable(top.label()).equals(comparable(truth));
                if (right) correct++;
                out.printf("%-24s %-14s %7.1f%%  %-14s %s%n", name, top.label(), 100 * top.probability(), truth.replace('_', ' '), right ? "ok" : "x");
            }
            out.printf("%n%d of %d correct, %.0f ms in all (load, preprocess, forward)%n", correct, all.size(), ms);
        }
    }
}
