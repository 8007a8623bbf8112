package jvit.vit.model;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jvit.runtime.Device;
import jvit.vit.DeviceTesting;
import jvit.runtime.Devices;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.Tensor;
import jvit.kernels.Op.Activation;
import jvit.vit.ViTConfig;
import jvit.vit.image.Preprocessing;
import jvit.vit.train.Optimizer;
import jvit.vit.train.TrainSettings;
import jvit.vit.train.TrainingGraph;

/**
 * Two training steps of a small ViT on a device against the same steps on the java device, from the
 * same weights and batches: each step's losses, and after them every parameter and both AdamW
 * moments, read back from the device, within 1e-4 relative (as a whole tensor: ‖difference‖ / ‖java's‖).
 * Part of {@link ViTDeviceSuite}: a test class names the device.
 */
public interface DeviceTrainingStepTests {
    /** The device the training graph runs on. */
    Device device();

    /** 26 tokens (more than a block of query rows, an odd number of key groups), head size 12, 7 classes. */
    private static ViTConfig config(double layerScale, int regTokens, boolean noEmbedClass, boolean distilled, Activation activation,
                                    boolean preAndQkNorm, ViTConfig.Pool pool) {
        return ViTConfig.builder().imageSize(20).patchSize(4).channels(3).hidden(36).layers(2).heads(3).mlpDim(52)
                .layerNormEps(1e-6).qkvBias(true).labels(ViTConfig.defaultLabels(7))
                .preprocessing(Preprocessing.huggingFace(20, 3)).layerScale(layerScale).regTokens(regTokens).noEmbedClass(noEmbedClass)
                .distilled(distilled).activation(activation).preNorm(preAndQkNorm).qkNorm(preAndQkNorm).pool(pool).build();
    }
    int BATCH = 5, STEPS = 2;
    /**
     * Clipping on (random weights give a gradient norm above 1), weight decay on, label smoothing on. AdamW's ε is
     * 1e-6, not 1e-8: AdamW divides a gradient by its own size, so where one is rounding noise on both devices (an
     * element whose exact gradient is about 0) it still steps by up to lr·|g|/(|g| + ε). With ε = 1e-8 such an
     * element of blocks.0.norm1.bias stepped 1.2e-4 apart (seed 47987771416420); with 1e-6, noise of 1e-8 moves a
     * step by at most 1e-5.
     */
    TrainSettings SETTINGS = new TrainSettings(1, BATCH, 1e-3, 0, 0, 0.05, 0.9, 0.999, 1e-6, 1, 0.1, 0,
            false, 0, 1, 1);

    /** What a run leaves: each step's losses, and each parameter, first moment and second moment by name. */
    record Trained(List<double[]> losses, Map<String, double[]> state) {}

    /**
     * A plain ViT; with LayerScale (its gammas trained too); with it, register tokens and no_embed_class; DeiT distilled;
     * CLIP-like (quick GELU, pre-norm without a patch bias) with qk-norm, LayerScale and a register token.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "layerScale={0} regTokens={1} noEmbedClass={2} distilled={3} {4} preNorm and qkNorm={5}")
    @org.junit.jupiter.params.provider.CsvSource({"0, 0, false, false, GELU, false", "0.5, 0, false, false, GELU, false",
            "0.5, 2, true, false, GELU, false", "0, 0, false, true, GELU, false", "0.5, 1, false, false, QUICK_GELU, true"})
    default void twoStepsAgreeWithTheJavaDevice(double layerScale, int regTokens, boolean noEmbedClass, boolean distilled,
                                                Activation activation, boolean preAndQkNorm) {
        assertTwoStepsAgree(config(layerScale, regTokens, noEmbedClass, distilled, activation, preAndQkNorm, ViTConfig.Pool.TOKEN));
    }

    /**
     * Pooled heads: the mean over every normed token, and Dinov2's [class token, mean] with LayerScale (maxima are left
     * to the kernel tests: a near tie can round either way on two devices); without a class token, the mean over the
     * patches alone and the attention pool over register tokens and patches.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "layerScale={0} pool={1} classToken={2} regTokens={3}")
    @org.junit.jupiter.params.provider.CsvSource({"0, AVG, true, 0", "0.5, CLASS_AND_AVG, true, 0", "0, MAP, true, 0", "0, AVG, false, 0",
            "0, MAP, false, 2"})
    default void pooledHeadsTrainAsOnTheJavaDevice(double layerScale, ViTConfig.Pool pool, boolean classToken, int regTokens) {
        // Without a class token the attention pool reads registers and patches alone: the most sensitive head, whose
        // gradients the devices' summation orders move by up to 3.1e-4 (seed 28766006677032); its weights still agree to 1e-4.
        assertTwoStepsAgree(config(layerScale, regTokens, false, false, Activation.GELU, false, pool).toBuilder().classToken(classToken)
                .build(), classToken ? 1e-4 : 1e-3);
    }

    private void assertTwoStepsAgree(ViTConfig config) {
        assertTwoStepsAgree(config, 1e-4);
    }

    /** The weights after two steps agree within 1e-4; the optimizer's moments (the gradients as each device summed them) within {@code momentTolerance}. */
    private void assertTwoStepsAgree(ViTConfig config, double momentTolerance) {
        Device device = device();
        Random random = random();
        RandomCheckpoint checkpoint = new RandomCheckpoint(config, random);
        int perImage = config.channels() * config.imageSize() * config.imageSize();
        List<double[]> images = new ArrayList<>(), labels = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            images.add(roundToFloat(uniform(random, BATCH * perImage, 2)));
            labels.add(random.ints(BATCH, 0, config.numLabels()).asDoubleStream().toArray());
        }
        Trained expected = train(config, Devices.get("java"), checkpoint, images, labels);
        Trained actual = train(config, device, checkpoint, images, labels);

        for (int step = 0; step < STEPS; step++)
            assertClose(device + " losses of step " + (step + 1) + " " + random, expected.losses().get(step), actual.losses().get(step), 1e-4, 0);
        assertEquals(expected.state().keySet(), actual.state().keySet());
        for (String name : expected.state().keySet()) {
            double[] e = expected.state().get(name), a = actual.state().get(name);
            int h = config.hidden(), keys = name.matches("blocks\\.\\d+\\.attn\\.qkv\\.bias") ? h : name.equals("attn_pool.kv.bias") ? 0 : -1;
            if (keys >= 0) {
                // The key bias's gradient is 0 in exact arithmetic (softmax ignores a constant added to a row of scores): on
                // both devices it is rounding noise, which AdamW's normalisation turns into steps of up to lr, either way.
                assertClose(name + " (key part) " + random, Arrays.copyOfRange(e, keys, keys + h), Arrays.copyOfRange(a, keys, keys + h), 0,
                        2 * SETTINGS.lr() * STEPS);
                Arrays.fill(e, keys, keys + h, 0);
                Arrays.fill(a, keys, keys + h, 0);
            }
            if (name.matches("([mv]\\.)?blocks\\.\\d+\\.attn\\.k_norm\\.bias")) {
                // The same for qk-norm's key bias, added after the key projection's: its gradient is noise, and so are its
                // moments; the parameter moves by up to lr a step either way.
                if (name.startsWith("blocks.")) assertClose(name + " " + random, e, a, 0, 2 * SETTINGS.lr() * STEPS);
                continue;
            }
            // A second moment is a sum of squared gradients: twice their relative error.
            double error = DeviceTesting.relativeError(e, a);
            double tolerance = name.startsWith("m.") ? momentTolerance : name.startsWith("v.") ? 2 * momentTolerance : 1e-4;
            assertTrue(error <= tolerance, device + " " + name + " differs from the java device's by " + error + " " + random);
        }
    }

    /** {@link #STEPS} steps from the checkpoint's weights on {@code device}. */
    private static Trained train(ViTConfig config, Device device, RandomCheckpoint checkpoint, List<double[]> images, List<double[]> labels) {
        try (Arena arena = Arena.ofShared()) {
            ViTWeights weights = ViTWeights.allocate(config, arena);
            Map<String, double[]> timm = checkpoint.timm();
            for (Tensor t : weights.fileTensors()) t.host().copyFrom(segment(arena, timm.get(t.name())));
            Optimizer optimizer = new Optimizer(weights, arena);
            int size = config.imageSize();
            var io = new TrainingGraph.Io(Tensor.allocate("images", arena, BATCH, config.channels(), size, size),
                    Tensor.allocate("labels", arena, BATCH), Tensor.allocate("schedule", arena, 3),
                    Tensor.allocate("losses", arena, BATCH), Tensor.allocate("logits", arena, BATCH, config.numLabels()));
            List<double[]> losses = new ArrayList<>();
            Map<String, double[]> state = new LinkedHashMap<>();
            try (var plan = new ExecutionPlan(TrainingGraph.record(weights, optimizer, SETTINGS, io), device)) {
                for (int step = 0; step < STEPS; step++) {
                    io.images().host().copyFrom(segment(arena, images.get(step)));
                    io.labels().host().copyFrom(segment(arena, labels.get(step)));
                    int t = step + 1;
                    io.schedule().host().copyFrom(segment(arena, new double[] {SETTINGS.lr(), 1 - Math.pow(SETTINGS.beta1(), t),
                            1 - Math.pow(SETTINGS.beta2(), t)}));
                    io.losses().host().copyFrom(poisoned(arena, BATCH));
                    plan.execute();
                    losses.add(toDoubles(io.losses().host(), BATCH));
                }
                for (Optimizer.Slot s : optimizer.slots()) {
                    plan.transferToHost(s.param(), s.m(), s.v());
                    for (Tensor t : List.of(s.param(), s.m(), s.v())) state.put(t.name(), toDoubles(t.host(), (int) t.elements()));
                }
            }
            return new Trained(losses, state);
        }
    }
}
