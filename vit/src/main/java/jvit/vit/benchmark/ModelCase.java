package jvit.vit.benchmark;

import java.lang.foreign.Arena;
import jvit.runtime.Device;
import jvit.runtime.Tensor;
import jvit.vit.ViTConfig;
import jvit.vit.model.ForwardGraph;
import jvit.vit.model.ViTWeights;
import jvit.vit.train.Optimizer;
import jvit.vit.train.TrainingGraph;

/**
 * A whole model at a batch size, timed as a forward pass or as a training step.
 *
 * @param name the model as people say it, {@code ViT-S/16}
 */
public record ModelCase(String name, ViTConfig config, int batch, Step step) {
    /** What one run does. */
    public enum Step {
        FORWARD("forward"), TRAIN("train step");

        private final String words;

        Step(String words) { this.words = words; }

        @Override
        public String toString() { return words; }
    }

    /** {@code ViT-S/16 forward, batch 8}. */
    public String title() {
        return name + " " + step + ", batch " + batch;
    }

    /** Loads the case on {@code device} with fresh random weights and runs it once. */
    public Workload open(Device device) {
        return switch (step) {
            case FORWARD -> ForwardWorkload.open(config, batch, device);
            case TRAIN -> TrainStepWorkload.open(config, batch, device);
        };
    }

    /**
     * The cost of one run, from the graph recorded over weights that share their memory: what a
     * benchmark needs to know before it decides a case fits (a training step still allocates the
     * optimiser's moments for a moment).
     */
    public GraphCost cost() {
        try (Arena arena = Arena.ofConfined()) {
            ViTWeights weights = ViTWeights.zeros(config, arena);
            int size = config.imageSize();
            Tensor images = Tensor.allocate("images", arena, batch, config.channels(), size, size);
            Tensor logits = Tensor.allocate("logits", arena, batch, config.numLabels());
            return GraphCost.of(switch (step) {
                case FORWARD -> ForwardGraph.record(weights, images, logits);
                case TRAIN -> TrainingGraph.record(weights, new Optimizer(weights, arena), TrainStepWorkload.SETTINGS,
                        TrainStepWorkload.io(config, batch, arena));
            });
        }
    }
}
