package jvit.vit.model;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jvit.kernels.Reference64;
import jvit.runtime.Devices;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.Tensor;
import jvit.vit.ViTConfig;
import jvit.vit.image.Preprocessing;
import jvit.vit.train.Optimizer;
import jvit.kernels.Op.Activation;
import jvit.vit.train.TrainSettings;
import jvit.vit.train.TrainingGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A whole tiny ViT's training step against central finite differences of the float64
 * {@link ReferenceViT}'s loss: every gradient of every parameter. The gradients are read through
 * AdamW's first moment, which with β1 = 0 after one step is the gradient itself; the learning
 * rate is 0 so that the parameters stay where the differences were taken.
 */
class TrainingGradientTest {
    @ParameterizedTest(name = "qkvBias={0} layerScale={1} regTokens={2} noEmbedClass={3} distilled={4} pool={5} fcNorm={6} {7} preNorm and qkNorm={8} classToken={9}")
    @org.junit.jupiter.params.provider.CsvSource({"true, false, 0, false, false, TOKEN, false, GELU, false, true",
            "false, false, 0, false, false, TOKEN, false, GELU, false, true", "true, true, 0, false, false, TOKEN, false, GELU, false, true",
            "true, false, 2, true, false, TOKEN, false, GELU, false, true", "false, false, 0, false, true, TOKEN, false, GELU, false, true",
            "true, false, 0, false, false, AVG, true, GELU, false, true", "true, false, 2, false, false, MAX, false, GELU, false, true",
            "false, false, 0, false, false, AVGMAX, true, GELU, false, true", "true, true, 0, false, false, CLASS_AND_AVG, false, GELU, false, true",
            "true, false, 0, false, false, TOKEN, true, GELU, false, true", "false, false, 0, false, false, MAP, false, GELU, false, true",
            "true, false, 1, true, false, MAP, true, GELU_TANH, false, true", "true, false, 0, false, false, TOKEN, false, GELU_TANH, true, true",
            "false, true, 1, false, false, TOKEN, false, QUICK_GELU, true, true",
            // no class token: the mean over the patches alone; registers, no_embed_class and the attention pool
            "true, false, 0, false, false, AVG, true, GELU, false, false", "false, false, 2, true, false, MAP, false, GELU, false, false"})
    void everyGradientMatchesFiniteDifferences(boolean qkvBias, boolean layerScale, int regTokens, boolean noEmbedClass, boolean distilled,
                                               ViTConfig.Pool pool, boolean fcNorm, Activation activation, boolean preAndQkNorm,
                                               boolean classToken) {
        ViTConfig config = ViTConfig.builder().imageSize(8).patchSize(4).channels(2).hidden(8).layers(2).heads(2).mlpDim(12)
                .layerNormEps(1e-6).qkvBias(qkvBias).labels(ViTConfig.defaultLabels(3))
                .preprocessing(Preprocessing.huggingFace(8, 2)).layerScale(layerScale ? 0.1 : 0).regTokens(regTokens)
                .noEmbedClass(noEmbedClass).distilled(distilled).pool(pool).fcNorm(fcNorm).activation(activation)
                .preNorm(preAndQkNorm).qkNorm(preAndQkNorm).classToken(classToken).build();
        Random random = random();
        RandomCheckpoint checkpoint = new RandomCheckpoint(config, random);
        int batch = 3;
        double smoothing = 0.1;
        TrainSettings settings = new TrainSettings(1, batch, 1e-3, 0, 0, 0.05, 0, 0.999, 1e-8, 0, smoothing, 0, false, 0, 1, 1);
        try (Arena arena = Arena.ofShared()) {
            ViTWeights weights = ViTWeights.allocate(config, arena);
            Map<String, double[]> timm = checkpoint.timm();
            for (Tensor t : weights.fileTensors()) t.host().copyFrom(segment(arena, timm.get(t.name())));
            Optimizer optimizer = new Optimizer(weights, arena);
            int perImage = config.channels() * config.imageSize() * config.imageSize();
            double[] images = imagesWithClearMaxima(checkpoint.reference(), random, batch, perImage, pool);
            int[] labels = random.ints(batch, 0, config.numLabels()).toArray();
            var io = new TrainingGraph.Io(Tensor.of("images", segment(arena, images), batch, config.channels(), config.imageSize(), config.imageSize()),
                    Tensor.of("labels", segment(arena, Arrays.stream(labels).asDoubleStream().toArray()), batch),
                    Tensor.of("schedule", segment(arena, new double[] {0, 1, 1 - 0.999}), 3),
                    Tensor.of("losses", poisoned(arena, batch), batch), Tensor.of("logits", poisoned(arena, batch * 3), batch, 3));
            try (var plan = new ExecutionPlan(TrainingGraph.record(weights, optimizer, settings, io), Devices.get("java"))) {
                plan.execute();
                for (Optimizer.Slot s : optimizer.slots()) plan.transferToHost(s.m());
            }

            ReferenceViT reference = checkpoint.reference();
            double[] perImageLoss = lossesOf(reference, images, labels, perImage, smoothing);
            assertClose("losses " + random, perImageLoss, io.losses().host(), 1e-4, 1e-5);

            // The mean loss as a function of one Hugging Face tensor, perturbed in place.
            for (Optimizer.Slot s : optimizer.slots()) {
                double[] kernel = toDoubles(s.m().host(), (int) s.param().elements());
                List<String> sources = sources(weights, s.param());
                int offset = 0;
                for (String name : sources) {
                    double[] theta = checkpoint.hf.get(name);
                    double[] expected = jvit.kernels.FiniteDifferences.gradient(t -> new double[] {
                            Arrays.stream(lossesOf(reference, images, labels, perImage, smoothing)).average().orElseThrow()}, theta, new double[] {1});
                    assertClose("d/d " + name + " " + random, expected, Arrays.copyOfRange(kernel, offset, offset + theta.length), 2e-3, 2e-5);
                    offset += theta.length;
                }
                assertEquals(kernel.length, offset);
            }
        }
    }

    /**
     * Images whose pooled maxima, if the model takes any, stand clear of the runners-up, so that no
     * finite difference steps across a maximum's kink: drawn again until they do.
     */
    private static double[] imagesWithClearMaxima(ReferenceViT reference, Random random, int batch, int perImage, ViTConfig.Pool pool) {
        while (true) {
            double[] images = roundToFloat(uniform(random, batch * perImage, 2));
            if (pool != ViTConfig.Pool.MAX && pool != ViTConfig.Pool.AVGMAX) return images;
            double gap = Double.POSITIVE_INFINITY;
            for (int b = 0; b < batch; b++) {
                reference.logits(Arrays.copyOfRange(images, b * perImage, (b + 1) * perImage));
                gap = Math.min(gap, reference.maxGap);
            }
            if (gap > 1e-3) return images;
        }
    }

    /** The Hugging Face tensors a parameter is made of, in order: one, or query/key/value, or the prefix tokens' parts. */
    private static List<String> sources(ViTWeights weights, Tensor param) {
        if (param != weights.prefixTokens()) return CheckpointNames.HUGGING_FACE.sources(param.name());
        return weights.fileTensors().stream().filter(t -> t.host().address() >= param.host().address()
                        && t.host().address() < param.host().address() + param.bytes())
                .flatMap(t -> CheckpointNames.HUGGING_FACE.sources(t.name()).stream()).toList();
    }

    private static double[] lossesOf(ReferenceViT reference, double[] images, int[] labels, int perImage, double smoothing) {
        double[] losses = new double[labels.length];
        for (int b = 0; b < labels.length; b++) {
            double[] logits = reference.logits(Arrays.copyOfRange(images, b * perImage, (b + 1) * perImage));
            losses[b] = Reference64.crossEntropy(logits, new int[] {labels[b]}, 1, logits.length, smoothing)[0];
        }
        return losses;
    }
}
