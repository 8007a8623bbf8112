package jvit.spark;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.schedule.DeviceFailure;
import jvit.vit.Classifier;
import jvit.vit.ViTConfig;
import jvit.vit.model.Inference;
import jvit.vit.model.ViTModel;

/**
 * The model of one executor JVM: loaded once per model and device, on first use, and shared by
 * every task the JVM runs (they take turns on the device; decoding and resizing stay in the tasks).
 * A device that fails hands the rest of the work to the {@code java} device, as {@code --on-failure
 * fallback} does, unless asked to fail.
 */
final class ExecutorClassifier {
    /** What a task needs to find its JVM's model: where the model lies and which device runs it. */
    record Key(String model, String device) implements java.io.Serializable {}

    /** One image's result: its top classes and its logits. */
    record Result(List<Classifier.Score> top, float[] logits) {}

    private static final Map<Key, ExecutorClassifier> LOADED = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private final ViTModel model;
    private final Consumer<String> report;
    private Classifier classifier;
    private Device device;

    ExecutorClassifier(ViTModel model, Device device, Consumer<String> report) {
        this.model = model;
        this.device = device;
        this.report = report;
        this.classifier = classifier(model, device);
    }

    /** The classifier's own batching is not used (a task's rows form the batches), hence batch 1. */
    private static Classifier classifier(ViTModel model, Device device) {
        return new Classifier(model, device, 1);
    }

    /** This JVM's classifier for {@code key}, loading the model the first time it is asked for. */
    static ExecutorClassifier get(Key key, HadoopConf conf) {
        return LOADED.computeIfAbsent(key, k -> {
            LOADS.incrementAndGet();
            Path dir = ModelLocation.localDirectory(k.model(), conf);
            return new ExecutorClassifier(ViTModel.openDirectory(dir), Devices.get(k.device()), line -> System.err.println("jvit: " + line));
        });
    }

    /** How many models this JVM has loaded. */
    static int loads() {
        return LOADS.get();
    }

    ViTConfig config() {
        return model.config();
    }

    /** Floats in one preprocessed image. */
    int imageElements() {
        ViTConfig c = model.config();
        return c.channels() * c.imageSize() * c.imageSize();
    }

    /**
     * Runs {@code images} (preprocessed, {@link #imageElements} floats each, at most {@code batch}
     * of them) in one forward pass of a graph for {@code batch} images; the top {@code k} classes
     * and the logits of each. With {@code fallback}, a failing device is replaced by {@code java}
     * for this pass and every later one.
     */
    synchronized List<Result> classify(List<float[]> images, int batch, int k, boolean fallback) {
        if (images.size() > batch) throw new IllegalArgumentException(images.size() + " images for a batch of " + batch);
        while (true) {
            try {
                return run(images, batch, k);
            } catch (DeviceFailure f) {
                if (!fallback || device.id().equals("java")) throw f;
                report.accept("device " + device.id() + " failed (" + f.reason() + "); going on with java");
                try {
                    classifier.close();
                } catch (RuntimeException e) {
                    // A failed device may fail to free its buffers too; the work goes on without it all the same.
                }
                device = Devices.get("java");
                classifier = classifier(model, device);
            }
        }
    }

    private List<Result> run(List<float[]> images, int batch, int k) {
        // Always the graph for the full batch: a short last batch leaves stale images in the rest,
        // and each image's logits depend on it alone.
        Inference inference = classifier.inference(batch);
        long elements = inference.imageElements();
        for (int i = 0; i < images.size(); i++)
            MemorySegment.copy(MemorySegment.ofArray(images.get(i)), 0, inference.images(), 4 * i * elements, 4 * elements);
        inference.run(false);
        ViTConfig c = model.config();
        int classes = c.numLabels();
        List<Result> results = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            float[] logits = inference.logits().asSlice(4L * i * classes, 4L * classes).toArray(ValueLayout.JAVA_FLOAT);
            results.add(new Result(Classifier.top(inference.logits(), i, c, Math.min(k, classes)), logits));
        }
        return results;
    }
}
