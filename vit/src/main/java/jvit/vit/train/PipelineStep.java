package jvit.vit.train;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Releases;
import jvit.runtime.Step;
import jvit.runtime.Tensor;
import jvit.runtime.schedule.Deployment;
import jvit.runtime.schedule.GraphSplitter;
import jvit.runtime.schedule.Placement;
import jvit.runtime.schedule.PlacementPlan;
import jvit.vit.model.LayerPipeline;
import jvit.vit.model.ViTWeights;

/**
 * A training step with the encoder blocks split over devices in proportion to their profiled speed
 * ({@link LayerPipeline}): the batch goes through in micro-batches of equal size, each forward
 * through the stages and backward through them in reverse, as a wavefront (a stage runs one
 * micro-batch while the next stage runs the one before). What a stage's backward pass needs of its
 * forward pass, and the images and labels, wait on the host for their micro-batch. As each stage
 * runs a micro-batch the host adds the gradients it copied out ({@link HostGradientSum}, in
 * micro-batch order, so a step is reproducible); one AdamW update on the fastest device ends the step.
 */
final class PipelineStep implements TrainingStep {
    private final TrainingGraph.Io io, micro;
    private final int microBatches;
    private final Placement placement;
    /** The gradients each stage copies out, by parameter. */
    private final List<Map<Tensor, Tensor>> gradsOfStage = new ArrayList<>();
    private final int lossStage;
    private final PlacementPlan plan;
    private final HostGradientSum update;
    private final Releases releases = new Releases();

    PipelineStep(ViTWeights weights, Optimizer optimizer, TrainSettings settings, TrainingGraph.Io io, Deployment deployment, Arena arena) {
        this.io = io;
        this.microBatches = microBatches(io.rows(), deployment.devices().size());
        this.micro = io.part(io.rows() / microBatches, arena);
        Map<Tensor, Tensor> grads = HostGradientSum.gradients(optimizer, arena);
        ImmutableTaskGraph graph = TrainingGraph.recordGradients(weights, optimizer, grads::get, settings, micro);
        this.placement = GraphSplitter.split(graph, LayerPipeline.devices(graph, weights.config().layers(), deployment), arena);
        int loss = -1;
        for (int s = 0; s < placement.stages().size(); s++) {
            Set<Tensor> out = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Step step : placement.stages().get(s).graph().steps()) if (step instanceof Step.CopyOut o) out.add(o.tensor());
            Map<Tensor, Tensor> mine = new LinkedHashMap<>();
            grads.forEach((param, grad) -> {
                if (out.contains(grad)) mine.put(param, grad);
            });
            gradsOfStage.add(mine);
            if (out.contains(micro.losses())) loss = s;
        }
        this.lossStage = loss;
        try {
            this.plan = new PlacementPlan(placement);
            releases.add(plan::close);
            this.update = new HostGradientSum(weights, optimizer, settings, io.schedule(), deployment.fastest(), arena);
            releases.add(update::close);
        } catch (RuntimeException e) {
            releases.close();
            throw e;
        }
    }

    /** Two micro-batches a stage where they divide the batch evenly, else the most below that which do (one graph fits all). */
    static int microBatches(int batch, int stages) {
        for (int n = Math.min(batch, 2 * stages); n > 1; n--) if (batch % n == 0) return n;
        return 1;
    }

    /** The stages: the forward blocks of each device, then the backward ones in reverse (the last device does both at once). */
    Placement placement() { return placement; }

    public void run() {
        int rows = micro.rows();
        float weight = (float) rows / io.rows(); // each micro-batch's gradient is of its own rows' mean loss
        update.clear();
        plan.executeByStage(microBatches, i -> micro.copyInputsFrom(io, i * rows), (stage, i) -> {
            if (stage == lossStage) micro.copyOutputsTo(io, i * rows);
            update.add(gradsOfStage.get(stage), weight);
        }, false);
        update.apply();
    }

    public void copyStateToHost() {
        update.copyMomentsToHost(); // the parameters come back every step
    }

    public void close() {
        releases.close();
    }
}
