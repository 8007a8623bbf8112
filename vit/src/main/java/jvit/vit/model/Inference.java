package jvit.vit.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jvit.runtime.Device;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.ExecutionResult;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Tensor;
import jvit.vit.ViTConfig;

/**
 * A ViT ready to run batches on one device: the forward graph recorded for a batch size and
 * loaded on the device, with host tensors for the images in and the logits out.
 */
public final class Inference implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final ViTConfig config;
    private final Tensor images;
    private final Tensor logits;
    private final ExecutionPlan plan;

    public Inference(ViTWeights weights, Device device, int batch) {
        this.config = weights.config();
        int size = config.imageSize();
        this.images = Tensor.allocate("images", arena, batch, config.channels(), size, size);
        this.logits = Tensor.allocate("logits", arena, batch, config.numLabels());
        ExecutionPlan loaded = null;
        try {
            loaded = new ExecutionPlan(ForwardGraph.record(weights, images, logits), device);
        } finally {
            if (loaded == null) arena.close();
        }
        this.plan = loaded;
    }

    public int batch() { return (int) images.shape()[0]; }

    /** Floats in one image of the input, {@code channels · size · size}. */
    public long imageElements() { return images.elements() / batch(); }

    /** The input, {@code [batch, channels, size, size]}: fill it, then {@link #run}. */
    public MemorySegment images() { return images.host(); }

    /** The output of the last run, {@code [batch, classes]}. */
    public MemorySegment logits() { return logits.host(); }

    public ExecutionResult run(boolean profile) {
        return plan.withProfiling(profile).execute();
    }

    public ViTConfig config() { return config; }

    /** The forward graph, as loaded on the device. */
    public ImmutableTaskGraph graph() { return plan.graph(); }

    /** Floating-point operations of one run, summed over the graph's operators. */
    public long flops() {
        return plan.graph().tasks().stream().mapToLong(t -> t.op().flops()).sum();
    }

    @Override
    public void close() {
        plan.close();
        arena.close();
    }
}
