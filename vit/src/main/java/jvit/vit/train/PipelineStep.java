package jvit.vit.train;

import java.lang.foreign.Arena;
import java.util.Map;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Releases;
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
 * through the stages and backward through them in reverse, what the backward pass needs of a
 * stage's forward pass kept on the host between the two. The host adds up the micro-batches'
 * gradients ({@link HostGradientSum}) and one AdamW update runs on the fastest device. A device
 * holds only its blocks' work for one micro-batch at a time; the stages take the micro-batches one
 * after another (no two stages run at once yet).
 */
final class PipelineStep implements TrainingStep {
    private final TrainingGraph.Io io, micro;
    private final Map<Tensor, Tensor> grads;
    private final Placement placement;
    private final PlacementPlan plan;
    private final HostGradientSum update;
    private final Releases releases = new Releases();

    PipelineStep(ViTWeights weights, Optimizer optimizer, TrainSettings settings, TrainingGraph.Io io, Deployment deployment, Arena arena) {
        this.io = io;
        this.micro = io.part(io.rows() / microBatches(io.rows(), deployment.devices().size()), arena);
        this.grads = HostGradientSum.gradients(optimizer, arena);
        ImmutableTaskGraph graph = TrainingGraph.recordGradients(weights, optimizer, grads::get, settings, micro);
        this.placement = GraphSplitter.split(graph, LayerPipeline.devices(graph, weights.config().layers(), deployment), arena);
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
        update.clear();
        for (int first = 0; first < io.rows(); first += micro.rows()) {
            micro.copyInputsFrom(io, first);
            plan.execute(false);
            micro.copyOutputsTo(io, first);
            update.add(grads, (float) micro.rows() / io.rows()); // each micro-batch's gradient is of its own rows' mean loss
        }
        update.apply();
    }

    public void copyStateToHost() {
        update.copyMomentsToHost(); // the parameters come back every step
    }

    public void close() {
        releases.close();
    }
}
