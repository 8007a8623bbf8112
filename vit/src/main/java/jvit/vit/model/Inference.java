package jvit.vit.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jvit.runtime.Device;
import jvit.runtime.ExecutionResult;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Tensor;
import jvit.runtime.schedule.Deployment;
import jvit.runtime.schedule.DeviceFailure;
import jvit.runtime.schedule.Placement;
import jvit.runtime.schedule.PlacementPlan;
import jvit.runtime.schedule.Schedule;
import jvit.vit.ViTConfig;

/**
 * A ViT ready to run batches on a device, or spread over several: the forward graph recorded for
 * a batch size, placed and loaded, with host tensors for the images in and the logits out. A
 * pipeline records the graph for a micro-batch and feeds the batch through in slices.
 */
public final class Inference implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final ViTConfig config;
    private final Tensor images;
    private final Tensor logits;
    /** What one run of the placed graph reads and writes: the whole batch, or a pipeline's micro-batch. */
    private final Tensor microImages, microLogits;
    private final ImmutableTaskGraph graph;
    private final int microBatches;
    private final Deployment deployment;
    private PlacementPlan plan;

    public Inference(ViTWeights weights, Device device, int batch) {
        this(weights, Deployment.single(device), batch);
    }

    public Inference(ViTWeights weights, Deployment deployment, int batch) {
        this.config = weights.config();
        this.deployment = deployment;
        int size = config.imageSize();
        boolean loaded = false;
        try {
            this.images = Tensor.allocate("images", arena, batch, config.channels(), size, size);
            this.logits = Tensor.allocate("logits", arena, batch, config.numLabels());
            // Two micro-batches per stage keep every stage busy for most of a run.
            int stages = deployment.schedule() == Schedule.PIPELINE ? deployment.devices().size() : 1;
            int wanted = stages == 1 ? 1 : Math.min(batch, 2 * stages), micro = (batch + wanted - 1) / wanted;
            this.microBatches = (batch + micro - 1) / micro;
            this.microImages = microBatches == 1 ? images : Tensor.allocate("images", arena, micro, config.channels(), size, size);
            this.microLogits = microBatches == 1 ? logits : Tensor.allocate("logits", arena, micro, config.numLabels());
            this.graph = ForwardGraph.record(weights, microImages, microLogits);
            place();
            loaded = true;
        } finally {
            if (!loaded) arena.close();
        }
    }

    /** Loads the graph on the deployment's devices that work; one that fails to load is given to the failover. */
    private void place() {
        while (true) {
            Deployment working = deployment.working();
            try {
                plan = new PlacementPlan(ForwardPlacement.of(graph, config.layers(), working, arena));
                return;
            } catch (DeviceFailure f) {
                deployment.failover().recover(f, working);
            }
        }
    }

    public int batch() { return (int) images.shape()[0]; }

    /** Floats in one image of the input, {@code channels · size · size}. */
    public long imageElements() { return images.elements() / batch(); }

    /** The input, {@code [batch, channels, size, size]}: fill it, then {@link #run}. */
    public MemorySegment images() { return images.host(); }

    /** The output of the last run, {@code [batch, classes]}. */
    public MemorySegment logits() { return logits.host(); }

    /**
     * Runs the batch. A device that fails goes to the deployment's failover: if it lets the run go
     * on, the micro-batches not yet out run again on the devices left, the graph placed anew.
     */
    public ExecutionResult run(boolean profile) {
        if (!deployment.working().devices().containsAll(plan.placement().devices())) replace(); // another plan saw a device fail
        int done = 0;
        while (true) {
            try {
                return runFrom(done, profile);
            } catch (DeviceFailure f) {
                deployment.failover().recover(f, deployment.working());
                done += f.completed();
                replace();
            }
        }
    }

    /** Runs micro-batches {@code first..microBatches-1}. */
    private ExecutionResult runFrom(int first, boolean profile) {
        if (microBatches == 1) return plan.execute(profile);
        int micro = (int) microImages.shape()[0];
        long imageBytes = 4 * imageElements(), rowBytes = 4L * config.numLabels();
        return plan.execute(microBatches - first, j -> {
            int i = first + j, n = Math.min(micro, batch() - i * micro);
            // A short last slice leaves the previous images in the rest: each image's logits depend on it alone.
            MemorySegment.copy(images.host(), i * micro * imageBytes, microImages.host(), 0, n * imageBytes);
        }, j -> {
            int i = first + j, n = Math.min(micro, batch() - i * micro);
            MemorySegment.copy(microLogits.host(), 0, logits.host(), i * micro * rowBytes, n * rowBytes);
        }, profile);
    }

    private void replace() {
        try {
            plan.close();
        } catch (RuntimeException e) {
            // A failed device may fail to free its buffers too; the run goes on without it all the same.
        }
        place();
    }

    public ViTConfig config() { return config; }

    /** The forward graph before placement: for the whole batch, or for one micro-batch of a pipeline. */
    public ImmutableTaskGraph graph() { return graph; }

    /** Where the graph runs: its stages and what crosses between them. */
    public Placement placement() { return plan.placement(); }

    /** Floating-point operations of one run of the batch, summed over the graph's operators. */
    public long flops() {
        long perRun = graph.tasks().stream().mapToLong(t -> t.op().flops()).sum();
        return perRun / microImages.shape()[0] * batch(); // every operator's work grows with the batch, image by image
    }

    @Override
    public void close() {
        plan.close();
        arena.close();
    }
}
