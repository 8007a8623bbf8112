package jvit.vit.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import jvit.runtime.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A model's weights are read-only, those jvit makes from the checkpoint's (Hugging Face's q, k and v
 * fused into qkv) as well as the mapped ones: the java device packs a read-only weight once and a
 * writable one on every product, which had made the default model's forward pass repack its qkv.
 */
class LoadedWeightsTest {
    private static final Path DEFAULT_MODEL = Path.of("..", "models", "fashion-mnist");

    @Test
    void everyWeightOfALoadedModelIsReadOnly() {
        try (ViTModel model = ViTModel.openDirectory(DEFAULT_MODEL)) {
            int fused = 0;
            for (Tensor t : model.weights().all()) {
                assertTrue(t.host().isReadOnly(), t.name() + " is writable");
                if (t.name().endsWith("attn.qkv.weight")) fused++;
            }
            assertTrue(fused > 0, "the default model has no qkv weights to check");
        }
    }
}
