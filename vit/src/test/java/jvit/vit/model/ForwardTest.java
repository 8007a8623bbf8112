package jvit.vit.model;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Random;
import jvit.kernels.Op.Activation;
import jvit.runtime.Devices;
import jvit.runtime.UserError;
import jvit.vit.ViTConfig;
import jvit.vit.image.Preprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The forward pass against the float64 {@link ReferenceViT}, for checkpoints in both namings. */
class ForwardTest {
    static ViTConfig rgb() {
        return ViTConfig.builder().imageSize(12).patchSize(4).channels(3).hidden(12).layers(2).heads(3).mlpDim(20)
                .layerNormEps(1e-6).qkvBias(true).labels(ViTConfig.defaultLabels(5))
                .preprocessing(Preprocessing.huggingFace(12, 3)).build();
    }

    /** Awkward sizes: 1 channel, odd head size, no qkv bias, 3 layers, 3 classes. */
    static ViTConfig grey() {
        return ViTConfig.builder().imageSize(10).patchSize(5).channels(1).hidden(10).layers(3).heads(2).mlpDim(7)
                .layerNormEps(1e-12).qkvBias(false).labels(ViTConfig.defaultLabels(3))
                .preprocessing(Preprocessing.huggingFace(10, 1)).build();
    }

    /** rgb()'s shape with LayerScale (timm's ls1/ls2). */
    static ViTConfig layerScaled() {
        return rgb().toBuilder().layerScale(0.5).build();
    }

    /**
     * Pooled heads: timm's avgmax with fc_norm after it, and Dinov2's [class token, mean] over normed tokens with LayerScale;
     * without a class token (timm's class_token=False) the mean over the patches, and the attention pool over register
     * tokens and patches.
     */
    static ViTConfig[] pooled() {
        return new ViTConfig[] {grey().toBuilder().pool(ViTConfig.Pool.AVGMAX).fcNorm(true).build(),
                rgb().toBuilder().pool(ViTConfig.Pool.AVG).build(), layerScaled().toBuilder().pool(ViTConfig.Pool.CLASS_AND_AVG).build(),
                grey().toBuilder().pool(ViTConfig.Pool.MAP).build(), withoutClassToken(ViTConfig.Pool.AVG, 0),
                withoutClassToken(ViTConfig.Pool.MAP, 2)};
    }

    /** rgb()'s shape without a class token (timm's class_token=False), with this pooling and these register tokens. */
    static ViTConfig withoutClassToken(ViTConfig.Pool pool, int registers) {
        return rgb().toBuilder().classToken(false).regTokens(registers).pool(pool).fcNorm(pool != ViTConfig.Pool.MAP).build();
    }

    /** rgb()'s shape with timm's other switches: GELU's tanh form, a norm before the blocks, queries and keys normed per head. */
    static ViTConfig preNormedTanh() {
        return rgb().toBuilder().activation(Activation.GELU_TANH).preNorm(true).qkNorm(true).resampling(ViTConfig.PositionResampling.TIMM)
                .build();
    }

    /** grey()'s awkward shape (head size 5, no qkv bias) with quick GELU and qk-norm. */
    static ViTConfig quickQkNormed() {
        return grey().toBuilder().activation(Activation.QUICK_GELU).qkNorm(true).build();
    }

    /** grey()'s shape as DeiT's distilled models are: a distillation token and a second head, averaged. */
    static ViTConfig distilled() {
        return grey().toBuilder().distilled(true).build();
    }

    /** rgb()'s shape with 3 register tokens and position embeddings on the patches only (timm's reg_tokens, no_embed_class). */
    static ViTConfig registers() {
        return rgb().toBuilder().regTokens(3).noEmbedClass(true).build();
    }

    @ParameterizedTest
    @EnumSource(CheckpointNames.class)
    void logitsMatchTheFloat64Reference(CheckpointNames naming) {
        for (ViTConfig config : java.util.stream.Stream.concat(java.util.stream.Stream.of(rgb(), grey(), layerScaled(), distilled(),
                registers(), rgb().toBuilder().noEmbedClass(true).build(), grey().toBuilder().regTokens(1).build(), preNormedTanh(),
                quickQkNormed(), grey().toBuilder().pool(ViTConfig.Pool.MAP).activation(Activation.GELU_TANH).build()),
                java.util.Arrays.stream(pooled())).toList()) {
            Random random = random();
            RandomCheckpoint checkpoint = new RandomCheckpoint(config, random);
            int batch = 3;
            try (Arena arena = Arena.ofShared()) {
                ViTWeights weights = ViTWeights.from(config, checkpoint.tensors(naming, arena), Path.of("test.safetensors"), arena);
                try (Inference inference = new Inference(weights, Devices.get("java"), batch)) {
                    double[] images = roundToFloat(uniform(random, (int) (batch * inference.imageElements()), 2));
                    MemorySegment.copy(segment(arena, images), 0, inference.images(), 0, 4L * images.length);
                    inference.logits().fill((byte) 0xff); // NaN: a logit the graph does not write fails
                    inference.run(false);
                    int per = (int) inference.imageElements(), classes = config.numLabels();
                    double[] logits = toDoubles(inference.logits(), batch * classes);
                    for (int b = 0; b < batch; b++) {
                        double[] expected = checkpoint.reference().logits(java.util.Arrays.copyOfRange(images, b * per, (b + 1) * per));
                        double[] actual = java.util.Arrays.copyOfRange(logits, b * classes, (b + 1) * classes);
                        assertClose(naming + " image " + b + " " + random, expected, actual, 1e-4, 1e-4);
                    }
                }
            }
        }
    }

    /** Zero weights stand in for a checkpoint where only shapes matter: the graph has the same tasks, operators and sizes. */
    @Test
    void zeroWeightsRecordTheGraphOfACheckpoint() {
        for (ViTConfig config : new ViTConfig[] {rgb(), grey(), distilled(), registers(), withoutClassToken(ViTConfig.Pool.AVG, 0)}) {
            try (Arena arena = Arena.ofShared()) {
                var tensors = new RandomCheckpoint(config, random()).tensors(CheckpointNames.HUGGING_FACE, arena);
                ViTWeights real = ViTWeights.from(config, tensors, Path.of("test.safetensors"), arena), zeros = ViTWeights.zeros(config, arena);
                var images = jvit.runtime.Tensor.allocate("images", arena, 2, config.channels(), config.imageSize(), config.imageSize());
                var logits = jvit.runtime.Tensor.allocate("logits", arena, 2, config.numLabels());
                var expected = ForwardGraph.record(real, images, logits).tasks();
                var actual = ForwardGraph.record(zeros, images, logits).tasks();
                assertEquals(expected.stream().map(t -> t.name() + " " + t.op()).toList(),
                        actual.stream().map(t -> t.name() + " " + t.op()).toList());
                for (var t : zeros.all())
                    assertEquals(-1, t.host().asSlice(0, t.bytes()).mismatch(MemorySegment.ofArray(new byte[(int) t.bytes()])), t.name());
            }
        }
    }

    /** Read-only views of the same tensors (which the java device packs once): same names, order and bits, and the same logits. */
    @Test
    void readOnlyWeightsAreTheSameTensorsAndGiveTheSameLogits() {
        for (ViTConfig config : new ViTConfig[] {rgb(), distilled(), registers()}) {
            try (Arena arena = Arena.ofShared()) {
                var tensors = new RandomCheckpoint(config, random()).tensors(CheckpointNames.TIMM, arena);
                ViTWeights writable = ViTWeights.from(config, tensors, Path.of("test.safetensors"), arena), readOnly = writable.readOnly();
                assertEquals(writable.all().stream().map(jvit.runtime.Tensor::toString).toList(),
                        readOnly.all().stream().map(jvit.runtime.Tensor::toString).toList());
                for (int i = 0; i < writable.all().size(); i++) {
                    var t = readOnly.all().get(i);
                    assertTrue(t.host().isReadOnly(), t.name());
                    assertEquals(-1, t.host().mismatch(writable.all().get(i).host()), t.name());
                }
                double[][] logits = new double[2][];
                int batch = 2, side = config.imageSize();
                MemorySegment images = arena.allocate(4L * batch * config.channels() * side * side, 64);
                for (long e = 0; e < images.byteSize() / 4; e++) images.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, e, (e % 13) / 6f - 1);
                for (int v = 0; v < 2; v++)
                    try (Inference inference = new Inference(v == 0 ? writable : readOnly, Devices.get("java"), batch)) {
                        MemorySegment.copy(images, 0, inference.images(), 0, images.byteSize());
                        inference.logits().fill((byte) 0xff);
                        inference.run(false);
                        logits[v] = toDoubles(inference.logits(), batch * config.numLabels());
                    }
                assertArrayEquals(logits[0], logits[1], 1e-5, config.toString());
            }
        }
    }

    @Test
    void aMisShapedTensorNamesTheFileTheTensorAndBothShapes() {
        ViTConfig config = rgb();
        try (Arena arena = Arena.ofShared()) {
            var tensors = new RandomCheckpoint(config, random()).tensors(CheckpointNames.TIMM, arena);
            var wrong = config.withClasses(7);
            var e = assertThrows(UserError.class, () -> ViTWeights.from(wrong, tensors, Path.of("m.safetensors"), arena));
            assertTrue(e.getMessage().startsWith("m.safetensors: tensor 'head.weight' has shape [5, 12] but a ViT"), e.getMessage());
            assertTrue(e.getMessage().contains("needs [7, 12]"), e.getMessage());
        }
    }

    @Test
    void aMissingTensorIsNamed() {
        ViTConfig config = rgb();
        try (Arena arena = Arena.ofShared()) {
            var tensors = new java.util.HashMap<>(new RandomCheckpoint(config, random()).tensors(CheckpointNames.HUGGING_FACE, arena));
            tensors.remove("vit.encoder.layer.1.attention.attention.key.weight");
            var e = assertThrows(UserError.class, () -> ViTWeights.from(config, tensors, Path.of("m.safetensors"), arena));
            assertTrue(e.getMessage().startsWith("m.safetensors: has no tensor 'vit.encoder.layer.1.attention.attention.key.weight'"),
                    e.getMessage());
        }
    }

    @Test
    void aTensorTheModelDoesNotUseIsRefusedUnlessIgnoredByName() {
        ViTConfig config = rgb();
        try (Arena arena = Arena.ofShared()) {
            var tensors = new java.util.HashMap<>(new RandomCheckpoint(config, random()).tensors(CheckpointNames.TIMM, arena));
            tensors.put("blocks.0.ls1.gamma", jvit.runtime.Tensor.allocate("blocks.0.ls1.gamma", arena, config.hidden()));
            var e = assertThrows(UserError.class, () -> ViTWeights.from(config, tensors, Path.of("m.safetensors"), arena));
            assertEquals("m.safetensors: holds tensor 'blocks.0.ls1.gamma' that a " + describe(config, "timm")
                    + " does not use (jvit does not implement what it is for); jvit refuses to run without them"
                    + " — fix the config, or name tensors to leave unused with --ignore-tensors", e.getMessage());
            ViTWeights.from(config, tensors, Path.of("m.safetensors"), arena, java.util.Set.of("blocks.0.ls1.gamma"));
            var absent = assertThrows(UserError.class,
                    () -> ViTWeights.from(config, tensors, Path.of("m.safetensors"), arena, java.util.Set.of("head_dist.weight")));
            assertEquals("m.safetensors: has no tensor 'head_dist.weight' to ignore; name only tensors the file holds", absent.getMessage());
        }
    }

    @Test
    void aConfigWithFewerLayersThanTheCheckpointIsRefused() {
        ViTConfig config = rgb();
        ViTConfig shallower = config.toBuilder().layers(config.layers() - 1).build();
        try (Arena arena = Arena.ofShared()) {
            var tensors = new RandomCheckpoint(config, random()).tensors(CheckpointNames.HUGGING_FACE, arena);
            var e = assertThrows(UserError.class, () -> ViTWeights.from(shallower, tensors, Path.of("m.safetensors"), arena));
            assertTrue(e.getMessage().startsWith("m.safetensors: holds tensor 'vit.encoder.layer." + (config.layers() - 1)
                    + ".attention.attention.key.bias' and 15 more that a ViT with " + shallower.layers() + " layers"), e.getMessage());
            assertTrue(e.getMessage().contains("(the file holds " + config.layers() + " encoder blocks but the config says "
                    + shallower.layers() + ")"), e.getMessage());
        }
    }

    private static String describe(ViTConfig c, String names) {
        return String.format("ViT with %d layers, hidden size %d, MLP size %d, patch %d, %d channels, %d classes and %d prefix tokens"
                + " (%s names)", c.layers(), c.hidden(), c.mlpDim(), c.patchSize(), c.channels(), c.numLabels(), c.prefixTokens(), names);
    }

    @Test
    void unknownNamesAreRefused() {
        try (Arena arena = Arena.ofShared()) {
            var tensors = java.util.Map.of("conv1.weight", jvit.runtime.Tensor.allocate("conv1.weight", arena, 4));
            var e = assertThrows(UserError.class, () -> ViTWeights.from(rgb(), tensors, Path.of("resnet.safetensors"), arena));
            assertTrue(e.getMessage().contains("neither Hugging Face") && e.getMessage().contains("conv1.weight"), e.getMessage());
        }
    }
}
