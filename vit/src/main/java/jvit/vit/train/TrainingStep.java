package jvit.vit.train;

import java.lang.foreign.Arena;
import jvit.runtime.UserError;
import jvit.runtime.schedule.Deployment;
import jvit.vit.model.ViTWeights;

/**
 * One training step loaded where it runs: fill the images, labels and schedule of its
 * {@link TrainingGraph.Io}, {@link #run}, read the losses and logits.
 */
public interface TrainingStep extends AutoCloseable {
    void run();

    /** Copies the parameters and both AdamW moments to their host memory, for a checkpoint. */
    void copyStateToHost();

    @Override
    void close();

    /** The step for a deployment: the whole graph on one device, the batch split over several, or the layers. */
    static TrainingStep open(ViTWeights weights, Optimizer optimizer, TrainSettings settings, TrainingGraph.Io io, Deployment deployment,
                             Arena arena) {
        return switch (deployment.schedule()) {
            case SINGLE -> new SingleDeviceStep(TrainingGraph.record(weights, optimizer, settings, io), deployment.first(), optimizer);
            case DATA_PARALLEL -> new DataParallelStep(weights, optimizer, settings, io, deployment, arena);
            case PIPELINE -> new PipelineStep(weights, optimizer, settings, io, deployment, arena);
            case AUTO -> throw new UserError("--schedule auto is not available for training; use single, pipeline or data-parallel");
        };
    }
}
