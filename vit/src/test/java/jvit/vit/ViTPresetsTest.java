package jvit.vit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jvit.runtime.UserError;
import jvit.vit.image.Preprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ViTPresetsTest {
    /** Parameter counts as timm reports them for these models, an independent check of every size. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "vit_tiny_patch16_224, ViT-Ti/16, 5717416",
            "vit_small_patch16_224, ViT-S/16, 22050664",
            "vit_small_patch32_224, ViT-S/32, 22878952",
            "vit_base_patch16_224, ViT-B/16, 86567656",
            "vit_base_patch32_224, ViT-B/32, 88224232",
            "vit_base_patch16_384, ViT-B/16-384, 86859496",
            "vit_large_patch16_224, ViT-L/16, 304326632",
            "vit_large_patch32_384, ViT-L/32-384, 306632680",
    })
    void matchesTimmsModels(String timm, String paper, long parameters) {
        ViTConfig config = ViTPresets.get(timm);
        assertSame(config, ViTPresets.get(paper));
        assertSame(config, ViTPresets.get(paper.toLowerCase()));
        assertEquals(parameters, config.parameters());
        assertEquals(1000, config.numLabels());
        assertEquals(1e-6, config.layerNormEps());
        assertTrue(config.qkvBias());
    }

    @Test
    void baseAt224HasTimmsPreprocessing() {
        ViTConfig b16 = ViTPresets.get("vit_base_patch16_224");
        assertEquals(224, b16.imageSize());
        assertEquals(16, b16.patchSize());
        assertEquals(768, b16.hidden());
        assertEquals(12, b16.heads());
        assertEquals(3072, b16.mlpDim());
        assertEquals(12, b16.layers());
        Preprocessing p = b16.preprocessing();
        assertEquals(new Preprocessing(224, 0.9, Preprocessing.Interpolation.BICUBIC, new float[] {0.5f, 0.5f, 0.5f},
                new float[] {0.5f, 0.5f, 0.5f}), p);
        assertEquals(1.0, ViTPresets.get("ViT-B/16-384").preprocessing().cropPct());
        assertEquals(384, ViTPresets.get("ViT-B/16-384").preprocessing().size());
    }

    @Test
    void listsEveryNameAndRefusesUnknownOnes() {
        assertEquals(42, ViTPresets.names().size()); // 16 timm ViTs, 4 DeiTs, 6 CLIP towers, 16 of the paper's
        assertTrue(ViTPresets.get("deit_base_distilled_patch16_384").distilled());
        assertEquals("vit_tiny_patch16_224", ViTPresets.names().getFirst());
        assertEquals("ViT-L/32-384", ViTPresets.names().getLast());
        UserError e = assertThrows(UserError.class, () -> ViTPresets.get("vit_huge_patch14_224"));
        assertTrue(e.getMessage().startsWith("'vit_huge_patch14_224' is not a ViT preset; use one of vit_tiny_patch16_224, "),
                e.getMessage());
        assertArrayEquals(new String[0], e.getMessage().lines().skip(1).toArray());
    }
}
