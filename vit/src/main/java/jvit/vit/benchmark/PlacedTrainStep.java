package jvit.vit.benchmark;

import java.lang.foreign.Arena;
import jvit.runtime.schedule.Deployment;
import jvit.vit.ViTConfig;
import jvit.vit.model.ViTWeights;
import jvit.vit.train.Initialization;
import jvit.vit.train.Optimizer;
import jvit.vit.train.TrainingGraph;
import jvit.vit.train.TrainingStep;

/** One training step over a deployment's devices (data-parallel or pipeline), as {@code vit train} runs it, on random data. */
public final class PlacedTrainStep implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private TrainingStep step;

    private PlacedTrainStep() {}

    public static PlacedTrainStep open(ViTConfig config, int batch, Deployment deployment) {
        PlacedTrainStep s = new PlacedTrainStep();
        try {
            ViTWeights weights = ViTWeights.allocate(config, s.arena);
            Initialization.apply(weights, 1);
            TrainingGraph.Io io = TrainStepWorkload.io(config, batch, s.arena);
            TrainStepWorkload.fill(io, config.numLabels());
            s.step = TrainingStep.open(weights, new Optimizer(weights, s.arena), TrainStepWorkload.SETTINGS, io, deployment, s.arena);
            s.run(); // the first run copies the parameters and the moments in
            return s;
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    /** Runs one step; returns the nanoseconds it took. */
    public long run() {
        long start = System.nanoTime();
        step.run();
        return System.nanoTime() - start;
    }

    @Override
    public void close() {
        if (step != null) step.close();
        arena.close();
    }
}
