package jvit.vit.benchmark;

import java.util.ArrayList;
import java.util.List;
import jvit.vit.ViTConfig;
import jvit.vit.ViTPresets;
import jvit.vit.benchmark.ModelCase.Step;
import jvit.vit.image.Preprocessing;

/** The whole-model cases the benchmarks time: ViT-Ti, S and B at /16 and 224², forward and training. */
public final class ModelCases {
    public static final List<String> MODELS = List.of("ViT-Ti/16", "ViT-S/16", "ViT-B/16");
    public static final List<Integer> BATCHES = List.of(1, 8, 64);

    private ModelCases() {}

    /** Every model at every batch, the forward passes first, then the training steps. */
    public static List<ModelCase> all() {
        List<ModelCase> cases = new ArrayList<>();
        for (Step step : Step.values())
            for (String model : MODELS)
                for (int batch : BATCHES) cases.add(of(model, batch, step));
        return cases;
    }

    /** ViT-Ti and ViT-S forward, one image and eight. */
    public static List<ModelCase> quick() {
        return List.of(of("ViT-Ti/16", 1, Step.FORWARD), of("ViT-Ti/16", 8, Step.FORWARD),
                of("ViT-S/16", 1, Step.FORWARD), of("ViT-S/16", 8, Step.FORWARD));
    }

    /** A preset at a batch. */
    public static ModelCase of(String preset, int batch, Step step) {
        return new ModelCase(preset, ViTPresets.get(preset), batch, step);
    }

    /**
     * A ViT of a few thousand parameters (32² images, patches of 8, width 32, 2 blocks, 10
     * classes) with every operator of the real ones: for tests, and to ask a device cheaply
     * whether it has a kernel for each operator of a step.
     */
    public static ViTConfig tinyConfig() {
        float[] half = {0.5f, 0.5f, 0.5f};
        return ViTConfig.builder().imageSize(32).patchSize(8).channels(3).hidden(32).layers(2).heads(2).mlpDim(64)
                .layerNormEps(1e-6).qkvBias(true).labels(ViTConfig.defaultLabels(10))
                .preprocessing(new Preprocessing(32, 1.0, Preprocessing.Interpolation.BICUBIC, half, half)).build();
    }
}
