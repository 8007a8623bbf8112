package jvit.vit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import jvit.runtime.Devices;
import jvit.vit.io.Shards;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model directory whose weights are split into shards with an index gives the logits, bit for bit, of the single file. */
class ShardedModelTest {
    private static final Path MODEL = Path.of("..", "models", "fashion-mnist").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void shardsGiveTheSingleFilesLogits() throws Exception {
        Files.copy(MODEL.resolve(ViTModel.CONFIG), dir.resolve(ViTModel.CONFIG));
        Shards.write(MODEL.resolve(ViTModel.WEIGHTS), dir, ViTModel.WEIGHTS_INDEX, 4);
        float[] images = new float[3 * 28 * 28];
        Random random = new Random(13); // equality, not accuracy, is the point: any images do
        for (int i = 0; i < images.length; i++) images[i] = (float) random.nextGaussian();
        float[] single = logits(MODEL, images);
        for (float logit : single) assertTrue(Float.isFinite(logit), "every logit written");
        assertArrayEquals(single, logits(dir, images));
    }

    private static float[] logits(Path modelDir, float[] images) {
        try (ViTModel model = ViTModel.openDirectory(modelDir); Inference inference = model.inference(Devices.get("java"), 3)) {
            inference.images().copyFrom(MemorySegment.ofArray(images));
            inference.logits().fill((byte) 0xff); // NaN: a logit left unwritten fails the comparison
            inference.run(false);
            return inference.logits().toArray(ValueLayout.JAVA_FLOAT);
        }
    }
}
