package jvit.vit.benchmark;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import jvit.runtime.Device;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.ExecutionResult;
import jvit.runtime.Tensor;
import jvit.vit.ViTConfig;
import jvit.vit.model.ViTWeights;
import jvit.vit.train.Initialization;
import jvit.vit.train.Optimizer;
import jvit.vit.train.TrainSettings;
import jvit.vit.train.TrainingGraph;

/**
 * One training step of a ViT on a device (forward, softmax cross-entropy, backward, global-norm
 * clipping, AdamW), as {@code vit train} runs it: parameters and optimiser state resident on the
 * device, random images and labels in, losses and logits out, every run.
 */
public final class TrainStepWorkload implements Workload {
    /** The recipe's optimiser settings; only those the graph reads matter here (betas, eps, decay, clipping, smoothing). */
    static final TrainSettings SETTINGS = new TrainSettings(1, 1, 1e-3, 0, 0, 0.05, 0.9, 0.999, 1e-8, 1, 0.1, 0, false, 0, 1, 1);

    private final Arena arena = Arena.ofShared();
    private ExecutionPlan plan;
    private GraphCost cost;

    private TrainStepWorkload() {}

    public static TrainStepWorkload open(ViTConfig config, int batch, Device device) {
        TrainStepWorkload w = new TrainStepWorkload();
        try {
            ViTWeights weights = ViTWeights.allocate(config, w.arena);
            Initialization.apply(weights, 1);
            TrainingGraph.Io io = io(config, batch, w.arena);
            fill(io, config.numLabels());
            var graph = TrainingGraph.record(weights, new Optimizer(weights, w.arena), SETTINGS, io);
            w.cost = GraphCost.of(graph);
            w.plan = new ExecutionPlan(graph, device);
            w.run(); // the first run copies the parameters and the moments in
            return w;
        } catch (RuntimeException | Error e) {
            w.close();
            throw e;
        }
    }

    /** The tensors a step exchanges with the host, for {@code batch} images of {@code config}. */
    static TrainingGraph.Io io(ViTConfig c, int batch, Arena arena) {
        int size = c.imageSize();
        return new TrainingGraph.Io(Tensor.allocate("images", arena, batch, c.channels(), size, size),
                Tensor.allocate("labels", arena, batch), Tensor.allocate("schedule", arena, 3),
                Tensor.allocate("losses", arena, batch), Tensor.allocate("logits", arena, batch, c.numLabels()));
    }

    /** Images uniform in [-1, 1), random labels, and the schedule of an early step (lr, 1 - β1^t, 1 - β2^t). */
    static void fill(TrainingGraph.Io io, int classes) {
        SplittableRandom r = new SplittableRandom(1);
        for (long i = 0; i < io.images().elements(); i++) io.images().host().setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
        for (long i = 0; i < io.labels().elements(); i++) io.labels().host().setAtIndex(ValueLayout.JAVA_FLOAT, i, r.nextInt(classes));
        io.schedule().host().setAtIndex(ValueLayout.JAVA_FLOAT, 0, 1e-4f);
        io.schedule().host().setAtIndex(ValueLayout.JAVA_FLOAT, 1, 0.1f);
        io.schedule().host().setAtIndex(ValueLayout.JAVA_FLOAT, 2, 0.001f);
    }

    @Override
    public long run() { return plan.execute().totalNanos(); }

    /** One run that times every task, for the time by operator. */
    public ExecutionResult profile() {
        try {
            return plan.withProfiling(true).execute();
        } finally {
            plan.withProfiling(false);
        }
    }

    @Override
    public long flops() { return cost.flops(); }

    @Override
    public long bytes() { return cost.bytes(); }

    @Override
    public long footprintBytes() { return cost.footprintBytes(); }

    @Override
    public void close() {
        if (plan != null) plan.close();
        arena.close();
    }
}
