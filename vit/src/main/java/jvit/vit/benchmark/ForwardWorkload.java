package jvit.vit.benchmark;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import jvit.runtime.Device;
import jvit.vit.ViTConfig;
import jvit.vit.model.Inference;
import jvit.vit.model.ViTWeights;
import jvit.vit.train.Initialization;

/**
 * A ViT's forward pass on a device: weights as timm initialises them (seed 1), read-only as a
 * model's weights mapped from its file are, random normalised images in, logits out, every run.
 * The weights stay on the device between runs, as in a server.
 */
public final class ForwardWorkload implements Workload {
    private final Arena arena = Arena.ofShared();
    private final ViTWeights weights;
    private final Inference inference;
    private final GraphCost cost;

    private ForwardWorkload(ViTConfig config, int batch, Device device) {
        ViTWeights initialized = ViTWeights.allocate(config, arena);
        Initialization.apply(initialized, 1);
        weights = initialized.readOnly(); // as a model read from a file is: the java device then packs them once, as it does for users
        inference = new Inference(weights, device, batch);
        cost = GraphCost.of(inference.graph());
    }

    public static ForwardWorkload open(ViTConfig config, int batch, Device device) {
        ForwardWorkload w = null;
        try {
            w = new ForwardWorkload(config, batch, device);
            fill(w.images(), 1);
            w.run(); // the first run copies the weights in
            return w;
        } catch (RuntimeException | Error e) {
            if (w != null) w.close();
            throw e;
        }
    }

    /** Uniform in [-1, 1): the range of images normalised with mean = std = 0.5. */
    private static void fill(MemorySegment images, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < images.byteSize() / Float.BYTES; i++) images.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
    }

    public ViTWeights weights() { return weights; }

    /** The input, {@code [batch, channels, size, size]}. */
    public MemorySegment images() { return inference.images(); }

    /** The last run's output, {@code [batch, classes]}. */
    public MemorySegment logits() { return inference.logits(); }

    @Override
    public long run() { return inference.run(false).totalNanos(); }

    @Override
    public long flops() { return cost.flops(); }

    @Override
    public long bytes() { return cost.bytes(); }

    @Override
    public long footprintBytes() { return cost.footprintBytes(); }

    @Override
    public void close() {
        // the arena holds the weights a still-open inference may read: it closes last
        if (inference != null) inference.close();
        arena.close();
    }
}
