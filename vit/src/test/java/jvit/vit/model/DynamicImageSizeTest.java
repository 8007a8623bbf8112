package jvit.vit.model;

import static jvit.kernels.Tensors.random;
import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jvit.vit.ViTConfig;
import jvit.vit.cli.Main;
import jvit.vit.image.Preprocessing;
import jvit.vit.io.FloatTensor;
import jvit.vit.io.Npy;
import jvit.vit.train.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vit forward} with a timm {@code dynamic_img_size} model and images of another side than its
 * config's: the float64 reference run at that side with the position embeddings resampled as timm
 * does (PositionEmbeddingTest checks that resampling against PyTorch; the peer check, the whole
 * model against timm); other shapes refused in one line.
 */
class DynamicImageSizeTest {
    @TempDir
    Path dir;

    @Test
    void forwardResamplesThePositionEmbeddingsForEachSide() {
        ViTConfig config = ViTConfig.builder().imageSize(12).patchSize(4).channels(2).hidden(12).layers(2).heads(3).mlpDim(24)
                .layerNormEps(1e-6).labels(ViTConfig.defaultLabels(4)).preprocessing(Preprocessing.huggingFace(12, 2))
                .resampling(ViTConfig.PositionResampling.TIMM).dynamicImageSize(true).build();
        Random random = random();
        RandomCheckpoint checkpoint = new RandomCheckpoint(config, random);
        Path model = dir.resolve("model");
        try (Arena arena = Arena.ofShared()) {
            ModelFiles.write(model, config, List.copyOf(checkpoint.tensors(CheckpointNames.TIMM, arena).values()), Map.of());
        }
        for (int side : new int[] {20, 8, 12}) {
            int batch = 2, perImage = 2 * side * side;
            float[] images = new float[batch * perImage];
            for (int i = 0; i < images.length; i++) images[i] = (float) (random.nextDouble() * 4 - 2);
            Path x = dir.resolve("x" + side + ".npy"), y = dir.resolve("y" + side + ".npy");
            Npy.write(x, FloatTensor.of(images, batch, 2, side, side));
            assertEquals(0, forward(model, x, y), "side " + side);

            ReferenceViT reference = resampledReference(checkpoint, config, side);
            try (Arena arena = Arena.ofConfined()) {
                float[] logits = Npy.read(y, arena).toArray();
                for (int b = 0; b < batch; b++) {
                    double[] image = new double[perImage];
                    for (int i = 0; i < perImage; i++) image[i] = images[b * perImage + i];
                    double[] expected = reference.logits(image);
                    for (int k = 0; k < expected.length; k++)
                        assertEquals(expected[k], logits[b * expected.length + k], 1e-4 * (1 + Math.abs(expected[k])),
                                "side " + side + " image " + b + " logit " + k + " " + random);
                }
            }
        }

        Path nonSquare = dir.resolve("wide.npy"), notMultiple = dir.resolve("odd.npy");
        Npy.write(nonSquare, FloatTensor.of(new float[2 * 12 * 16], 1, 2, 12, 16));
        Npy.write(notMultiple, FloatTensor.of(new float[2 * 18 * 18], 1, 2, 18, 18));
        assertRefused(model, nonSquare, "holds 12x16 images; jvit runs a dynamic_img_size model on square images only");
        assertRefused(model, notMultiple, "holds images of side 18, not a multiple of the model's patch size 4");
    }

    /** The reference at {@code side}, its position embeddings resampled from the config's grid as timm does. */
    private static ReferenceViT resampledReference(RandomCheckpoint checkpoint, ViTConfig config, int side) {
        Map<String, double[]> weights = new java.util.LinkedHashMap<>(checkpoint.hf);
        double[] pos = weights.get("vit.embeddings.position_embeddings");
        int h = config.hidden(), grid = side / config.patchSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment from = arena.allocate(4L * pos.length), to = arena.allocate(4L * (1 + grid * grid) * h);
            for (int i = 0; i < pos.length; i++) from.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) pos[i]);
            PositionEmbedding.resample(ViTConfig.PositionResampling.TIMM, from, config.grid(), to, grid, h);
            double[] resampled = new double[(1 + grid * grid) * h];
            for (int i = 0; i < resampled.length; i++) resampled[i] = to.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            weights.put("vit.embeddings.position_embeddings", resampled);
        }
        return new ReferenceViT(weights, config.channels(), side, config.patchSize(), h, config.layers(), config.heads(),
                config.mlpDim(), config.numLabels(), config.layerNormEps(), 0, false, false, config.activation());
    }

    private void assertRefused(Path model, Path x, String words) {
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "forward", "--model", model.toString(),
                "--input", x.toString(), "--output", dir.resolve("refused.npy").toString(), "--device", "java");
        assertEquals(1, status, err.toString());
        String message = err.toString().strip();
        assertFalse(message.contains("\n"), message);
        assertTrue(message.contains(x.toString()) && message.contains(words), message);
    }

    private int forward(Path model, Path x, Path y) {
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "forward", "--model", model.toString(),
                "--input", x.toString(), "--output", y.toString(), "--device", "java", "--batch", "2");
        assertEquals(0, status, err.toString());
        return status;
    }
}
