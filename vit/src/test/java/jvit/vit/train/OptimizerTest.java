package jvit.vit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.Map;
import java.util.stream.Collectors;
import jvit.vit.ViTConfig;
import jvit.vit.image.Preprocessing;
import jvit.vit.model.ViTWeights;
import org.junit.jupiter.api.Test;

class OptimizerTest {
    /** timm 1.0's no_weight_decay: the position embedding and every prefix token, in one tensor or apart, and no 1-D parameter. */
    @Test
    void theTokensPositionsNormsAndBiasesDoNotDecay() {
        ViTConfig base = ViTConfig.builder().imageSize(8).patchSize(4).channels(1).hidden(4).layers(1).heads(1).mlpDim(8)
                .layerNormEps(1e-6).labels(ViTConfig.defaultLabels(2)).preprocessing(Preprocessing.huggingFace(8, 1)).build();
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Boolean> plain = decays(base, arena);
            assertEquals(false, plain.get("cls_token"));
            assertEquals(false, plain.get("pos_embed"));
            assertEquals(false, plain.get("blocks.0.attn.qkv.bias"));
            assertEquals(true, plain.get("blocks.0.attn.qkv.weight"));
            assertEquals(false, decays(base.toBuilder().regTokens(2).build(), arena).get("prefix_tokens"));
            assertEquals(false, decays(base.toBuilder().classToken(false).regTokens(2).pool(ViTConfig.Pool.AVG).build(), arena)
                    .get("reg_token"));
        }
    }

    private static Map<String, Boolean> decays(ViTConfig config, Arena arena) {
        return new Optimizer(ViTWeights.allocate(config, arena), arena).slots().stream()
                .collect(Collectors.toMap(s -> s.param().name(), Optimizer.Slot::decays));
    }
}
