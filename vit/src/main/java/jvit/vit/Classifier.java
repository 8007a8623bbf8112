package jvit.vit;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import jvit.kernels.cpu.TopK;
import jvit.runtime.Device;
import jvit.runtime.UserError;
import jvit.runtime.schedule.Deployment;
import jvit.vit.image.Preprocessor;
import jvit.vit.io.FiniteValues;
import jvit.vit.model.Inference;
import jvit.vit.model.ViTModel;

/**
 * Classifies image files with a model on a device, in batches: decode and preprocess as the
 * checkpoint's processor does, run the forward graph, softmax, top-k. For use from the CLI and
 * from JVM services alike; close it to free the device's buffers.
 */
public final class Classifier implements AutoCloseable {
    /** One class and its probability. */
    public record Score(int index, String label, double probability) {}

    /** The top-k classes of one image, most probable first. */
    public record Prediction(Path image, List<Score> top) {}

    private final ViTModel model;
    private final Deployment deployment;
    private final int maxBatch;
    private final Map<Integer, Inference> byBatch = new HashMap<>();

    public Classifier(ViTModel model, Device device, int maxBatch) {
        this(model, Deployment.single(device), maxBatch);
    }

    public Classifier(ViTModel model, Deployment deployment, int maxBatch) {
        if (maxBatch < 1) throw new IllegalArgumentException("batch must be positive");
        this.model = model;
        this.deployment = deployment;
        this.maxBatch = maxBatch;
    }

    /** The top {@code k} classes of each image, in the order given; {@code sink} gets each batch's predictions as they are ready. */
    public void classify(List<Path> images, int k, Consumer<List<Prediction>> sink) {
        classify(images, k, sink, (image, failure) -> { throw failure; });
    }

    /**
     * As {@link #classify(List, int, Consumer)}, but an image that cannot be read, or for which the
     * model gives NaN or infinite logits, goes to {@code onFailure} with a one-line error naming it, and
     * the others are classified all the same.
     */
    public void classify(List<Path> images, int k, Consumer<List<Prediction>> sink, BiConsumer<Path, UserError> onFailure) {
        ViTConfig config = model.config();
        int topK = Math.min(k, config.numLabels());
        for (int start = 0; start < images.size(); start += maxBatch) {
            List<Path> chunk = images.subList(start, Math.min(images.size(), start + maxBatch));
            Inference inference = inference(chunk.size());
            List<Path> read = new ArrayList<>(chunk.size());
            for (Path image : chunk) {
                try {
                    Preprocessor.apply(image, config.preprocessing(), inference.images(), read.size() * inference.imageElements());
                    read.add(image);
                } catch (UserError e) {
                    onFailure.accept(image, e);
                }
            }
            if (read.isEmpty()) continue;
            if (read.size() < chunk.size()) {
                Inference smaller = inference(read.size());
                MemorySegment.copy(inference.images(), 0, smaller.images(), 0, 4L * read.size() * inference.imageElements());
                inference = smaller;
            }
            inference.run(false);
            List<Prediction> predictions = new ArrayList<>(read.size());
            for (int i = 0; i < read.size(); i++) {
                MemorySegment row = inference.logits().asSlice(4L * i * config.numLabels(), 4L * config.numLabels());
                if (FiniteValues.allFinite(row)) predictions.add(new Prediction(read.get(i), top(inference.logits(), i, config, topK)));
                else onFailure.accept(read.get(i), UserError.inFile(read.get(i), "the model gives non-finite logits (NaN or infinity) for this image;"
                        + " check the model's weights"));
            }
            sink.accept(predictions);
        }
    }

    /** The model loaded for batches of {@code size} images (kept for the next batch of that size). */
    public Inference inference(int size) {
        return byBatch.computeIfAbsent(size, b -> model.inference(deployment, b));
    }

    /** Softmax of row {@code row} of the logits, in float64, and its {@code k} most probable classes. */
    public static List<Score> top(MemorySegment logits, int row, ViTConfig config, int k) {
        int classes = config.numLabels();
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int c = 0; c < classes; c++) max = Math.max(max, logit(logits, row, classes, c));
        for (int c = 0; c < classes; c++) sum += Math.exp(logit(logits, row, classes, c) - max);
        List<Score> scores = new ArrayList<>(k);
        for (int c : TopK.indices(logits, row, classes, k))
            scores.add(new Score(c, config.labels().get(c), Math.exp(logit(logits, row, classes, c) - max) / sum));
        return scores;
    }

    private static double logit(MemorySegment logits, int row, int classes, int c) {
        return logits.getAtIndex(ValueLayout.JAVA_FLOAT, (long) row * classes + c);
    }

    @Override
    public void close() {
        byBatch.values().forEach(Inference::close);
        byBatch.clear();
    }
}
