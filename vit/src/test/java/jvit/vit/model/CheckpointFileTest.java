package jvit.vit.model;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import jvit.runtime.Devices;
import jvit.vit.ViTConfig;
import jvit.vit.io.FloatFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Random checkpoints written to safetensors files in each naming and float format, opened as a
 * user would ({@link ViTModel#open}, memory-mapped) and run against the float64 {@link ReferenceViT}.
 */
class CheckpointFileTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"TIMM, F32", "HUGGING_FACE, F32", "TIMM, BF16", "HUGGING_FACE, F16"})
    void aWrittenCheckpointRunsLikeTheReference(CheckpointNames naming, FloatFormat format) {
        ViTConfig config = ForwardTest.rgb();
        Random random = random();
        RandomCheckpoint checkpoint = new RandomCheckpoint(config, random).roundedTo(format);
        Path file = dir.resolve(naming + "-" + format + ".safetensors");
        checkpoint.write(file, naming, format);
        try (ViTModel model = ViTModel.open(file, config)) {
            compare(model, checkpoint.reference(), random, naming + " " + format);
        }
    }

    /** What vit train --out writes: Hugging Face's names (q, k and v apart) and exactly the weights, as transformers loads them. */
    @Test
    void aModelDirectoryJvitWritesHoldsHuggingFaceNames() {
        ViTConfig config = ForwardTest.rgb();
        Random random = random();
        RandomCheckpoint checkpoint = new RandomCheckpoint(config, random);
        Path model = dir.resolve("model");
        try (Arena arena = Arena.ofShared()) {
            var hf = checkpoint.tensors(CheckpointNames.HUGGING_FACE, arena);
            jvit.vit.train.ModelFiles.write(model, config, java.util.List.copyOf(checkpoint.tensors(CheckpointNames.TIMM, arena).values()),
                    java.util.Map.of("format", "pt"));
            try (jvit.vit.io.Safetensors written = jvit.vit.io.Safetensors.open(model.resolve(ViTModel.WEIGHTS))) {
                assertEquals(new java.util.TreeSet<>(hf.keySet()), new java.util.TreeSet<>(written.names()));
                for (var e : hf.entrySet()) {
                    assertArrayEquals(e.getValue().shape(), written.shape(e.getKey()), e.getKey());
                    assertEquals(-1L, e.getValue().host().mismatch(written.floats(e.getKey())), e.getKey());
                }
            }
        }
        try (ViTModel opened = ViTModel.openDirectory(model)) {
            compare(opened, checkpoint.reference(), random, "written by ModelFiles");
        }
    }

    /**
     * Every switch vit train can train is written so jvit reads back the same config and the same
     * tensors (PeerCheckTest checks that transformers and timm do too), or refused before any file.
     */
    @Test
    void everyModelJvitWritesReadsBackAsTheSameModel() throws java.io.IOException {
        ViTConfig timm = ForwardTest.rgb().toBuilder().resampling(ViTConfig.PositionResampling.TIMM).build();
        java.util.List<ViTConfig> configs = java.util.List.of(ForwardTest.rgb(),
                ForwardTest.rgb().toBuilder().layerScale(0.5).pool(ViTConfig.Pool.CLASS_AND_AVG).layerNormEps(1e-5).mlpDim(36).build(), // Dinov2
                ForwardTest.rgb().toBuilder().layerScale(0.5).pool(ViTConfig.Pool.CLASS_AND_AVG).mlpDim(24).preprocessing( // cropped
                        // 12/59: floor(12 / (12/59)) is 58 in floating point, so the side written must come from rounding
                        new jvit.vit.image.Preprocessing(12, 12.0 / 59, jvit.vit.image.Preprocessing.Interpolation.BICUBIC,
                                new float[] {0.1f, 0.2f, 0.3f}, new float[] {0.4f, 0.5f, 0.6f})).build(),
                timm.toBuilder().layerNormEps(1e-5).preNorm(true).qkNorm(true).activation(jvit.kernels.Op.Activation.QUICK_GELU).build(),
                timm.toBuilder().layerScale(0.1).regTokens(2).noEmbedClass(true).pool(ViTConfig.Pool.MAP).build(),
                timm.toBuilder().pool(ViTConfig.Pool.AVG).fcNorm(true).activation(jvit.kernels.Op.Activation.GELU_TANH).build(),
                timm.toBuilder().pool(ViTConfig.Pool.MAX).dynamicImageSize(true).build(),
                timm.toBuilder().distilled(true).qkvBias(false).build(),
                ForwardTest.rgb().toBuilder().regTokens(1).layerNormEps(1e-12).build(), // DeiTForImageClassification
                ForwardTest.rgb().toBuilder().distilled(true).build()); // DeiTForImageClassificationWithTeacher
        Random random = random();
        for (int i = 0; i < configs.size(); i++) {
            ViTConfig config = configs.get(i);
            Path model = dir.resolve("model-" + i);
            try (Arena arena = Arena.ofShared()) {
                var written = new RandomCheckpoint(config, random).tensors(CheckpointNames.TIMM, arena);
                jvit.vit.train.ModelFiles.write(model, config, java.util.List.copyOf(written.values()), java.util.Map.of("format", "pt"));
                try (ViTModel opened = ViTModel.openDirectory(model)) {
                    ViTConfig read = opened.config();
                    assertEquals(config, read.toBuilder().preprocessing(config.preprocessing()).build(), "config " + i);
                    assertArrayEquals(config.preprocessing().mean(), read.preprocessing().mean());
                    assertArrayEquals(config.preprocessing().std(), read.preprocessing().std());
                    assertEquals(List.of(config.preprocessing().size(), config.preprocessing().cropPct(), config.preprocessing().interpolation()),
                            List.of(read.preprocessing().size(), read.preprocessing().cropPct(), read.preprocessing().interpolation()), "config " + i);
                    var tensors = opened.weights().fileTensors();
                    assertEquals(new java.util.TreeSet<>(written.keySet()),
                            new java.util.TreeSet<>(tensors.stream().map(jvit.runtime.Tensor::name).toList()), "config " + i);
                    for (var t : tensors) assertEquals(-1L, written.get(t.name()).host().mismatch(t.host()), t.name());
                }
            }
        }
    }

    @Test
    void aModelNoLibraryDescribesIsRefusedByNameBeforeAnyFile() {
        ViTConfig timm = ForwardTest.rgb().toBuilder().layerScale(0.5).build();
        for (var c : java.util.Map.of(
                timm.toBuilder().layerNormEps(1e-12).build(), "layer_norm_eps 1.0E-12",
                timm.toBuilder().layerScale(0).distilled(true).layerNormEps(1e-5).resampling(ViTConfig.PositionResampling.TIMM).build(),
                "for a distilled (DeiT) model",
                timm.toBuilder().hidden(21).mlpDim(51).build(), "MLP 51 of 21",
                timm.toBuilder().layerScale(0).pool(ViTConfig.Pool.CLASS_AND_AVG).build(), "no LayerScale",
                timm.toBuilder().pool(ViTConfig.Pool.CLASS_AND_AVG).build(), "MLP 20 of 12 (not hidden_size × a whole mlp_ratio)",
                timm.toBuilder().pool(ViTConfig.Pool.CLASS_AND_AVG).mlpDim(24).regTokens(1).qkNorm(true).build(), "register tokens (Dinov2WithRegisters), qk_norm",
                timm.toBuilder().pool(ViTConfig.Pool.CLASS_AND_AVG).mlpDim(24).preprocessing(new jvit.vit.image.Preprocessing(12, 0.9,
                        jvit.vit.image.Preprocessing.Interpolation.BICUBIC, new float[3], new float[] {1, 1, 1})).build(), "crop_pct 0.9").entrySet()) {
            Path model = dir.resolve("refused");
            var e = org.junit.jupiter.api.Assertions.assertThrows(jvit.runtime.UserError.class, () -> {
                try (Arena arena = Arena.ofShared()) {
                    jvit.vit.train.ModelFiles.write(model, c.getKey(), java.util.List.copyOf(new RandomCheckpoint(c.getKey(), random())
                            .tensors(CheckpointNames.TIMM, arena).values()), java.util.Map.of());
                }
            });
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
            org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(model.resolve(ViTModel.WEIGHTS)), e.getMessage());
        }
    }

    @Test
    void positionEmbeddingsAreResampledForAnotherImageSize() {
        ViTConfig trained = ForwardTest.rgb(); // 12×12 images, 3×3 patches
        ViTConfig larger = trained.toBuilder().imageSize(20).build();                 // 20×20 images, 5×5 patches
        Random random = random();
        RandomCheckpoint checkpoint = new RandomCheckpoint(trained, random);
        Path file = dir.resolve("model.safetensors");
        checkpoint.write(file, CheckpointNames.TIMM, FloatFormat.F32);

        // The reference gets the 5×5 grid resampled from the 3×3 one (PositionEmbeddingTest checks the resampling).
        String pos = "vit.embeddings.position_embeddings";
        double[] resampled;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(4L * larger.tokens() * larger.hidden());
            PositionEmbedding.resample(segment(arena, checkpoint.hf.get(pos)), 3, out, 5, larger.hidden());
            resampled = toDoubles(out, larger.tokens() * larger.hidden());
        }
        var weights = new java.util.LinkedHashMap<>(checkpoint.hf);
        weights.put(pos, resampled);
        ReferenceViT reference = new ReferenceViT(weights, larger.channels(), larger.imageSize(), larger.patchSize(),
                larger.hidden(), larger.layers(), larger.heads(), larger.mlpDim(), larger.numLabels(), larger.layerNormEps(),
                0, false, false);
        try (ViTModel model = ViTModel.open(file, larger)) {
            compare(model, reference, random, "resampled positions");
        }
    }

    private static void compare(ViTModel model, ReferenceViT reference, Random random, String what) {
        int batch = 2;
        try (Arena arena = Arena.ofShared(); Inference inference = model.inference(Devices.get("java"), batch)) {
            int per = (int) inference.imageElements(), classes = model.config().numLabels();
            double[] images = roundToFloat(uniform(random, batch * per, 2));
            inference.images().copyFrom(segment(arena, images));
            inference.logits().fill((byte) 0xff);
            inference.run(false);
            double[] logits = toDoubles(inference.logits(), batch * classes);
            for (int b = 0; b < batch; b++)
                assertClose(what + " image " + b + " " + random, reference.logits(Arrays.copyOfRange(images, b * per, (b + 1) * per)),
                        Arrays.copyOfRange(logits, b * classes, (b + 1) * classes), 1e-4, 1e-4);
        }
    }
}
