package jvit.vit.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jvit.runtime.Tensor;
import jvit.vit.io.FloatTensor;

/**
 * The naming schemes ViT checkpoints come in, mapped onto one: timm's names, which jvit uses
 * inside. Hugging Face's {@code ViTForImageClassification} splits the attention input projection
 * into query, key and value, which {@link ViTWeights} concatenates into timm's fused {@code qkv}.
 * {@code Dinov2ForImageClassification} splits it too, under {@code dinov2.}, its blocks' norms and MLP named as timm's.
 * {@code DeiTForImageClassificationWithTeacher} names its backbone as the ViT does, under {@code deit.},
 * and its two heads {@code cls_classifier} and {@code distillation_classifier}. The plain
 * {@code DeiTForImageClassification} has the distillation token but one head, {@code classifier}, on the
 * class token: its distillation token is, to the computation, a register token with a position, and is
 * held as timm's {@code reg_token}.
 */
public enum CheckpointNames {
    TIMM("timm", "", "head", "head_dist"),
    HUGGING_FACE("Hugging Face", "vit.", "classifier", "head_dist"),
    HUGGING_FACE_DEIT("Hugging Face DeiT", "deit.", "cls_classifier", "distillation_classifier"),
    HUGGING_FACE_DEIT_PLAIN("Hugging Face DeiT", "deit.", "classifier", "head_dist"),
    DINOV2("Hugging Face Dinov2", "dinov2.", "classifier", "head_dist");

    final String description;
    /** Prefix of the backbone's names. */
    final String prefix;
    /** The classifier's name, and that of DeiT's second head on the distillation token. */
    private final String head, headDist;

    CheckpointNames(String description, String prefix, String head, String headDist) {
        this.description = description;
        this.prefix = prefix;
        this.head = head;
        this.headDist = headDist;
    }

    /**
     * Which scheme a file's tensor names follow, or null when none: by the patch embedding's name, and by the
     * head's between schemes that share a backbone (DeiT's two); the first of them when the file has no head.
     */
    static CheckpointNames detect(Set<String> names) {
        CheckpointNames found = null;
        for (CheckpointNames scheme : values()) {
            if (!names.contains(scheme.sources("patch_embed.proj.weight").getFirst())) continue;
            if (names.contains(scheme.sources("head.weight").getFirst())) return scheme;
            if (found == null) found = scheme;
        }
        return found;
    }

    /** Tensors a checkpoint may hold that classifying never reads: Dinov2's mask token, for masked-image pretraining only. */
    Set<String> unusedByClassifiers() {
        return this == DINOV2 ? Set.of(prefix + "embeddings.mask_token") : Set.of();
    }

    /**
     * Tensors under this scheme's names, from tensors under timm's: a fused {@code qkv} becomes
     * query, key and value, each a view of a third of it (no copies).
     */
    public Map<String, FloatTensor> rename(List<Tensor> timmTensors) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Tensor t : timmTensors) {
            List<String> names = sources(t.name());
            long[] part = t.shape();
            part[0] /= names.size();
            long bytes = t.bytes() / names.size();
            for (int i = 0; i < names.size(); i++) out.put(names.get(i), new FloatTensor(part, t.host().asSlice(i * bytes, bytes)));
        }
        return out;
    }

    /** The names one timm tensor has in this scheme: one name, or query/key/value for a fused qkv tensor. */
    List<String> sources(String timmName) {
        if (this == TIMM) return List.of(timmName);
        return switch (timmName) {
            case "patch_embed.proj.weight" -> backbone("embeddings.patch_embeddings.projection.weight");
            case "patch_embed.proj.bias" -> backbone("embeddings.patch_embeddings.projection.bias");
            case "cls_token" -> backbone("embeddings.cls_token");
            case "dist_token" -> backbone("embeddings.distillation_token");
            // A plain DeiT's distillation token is held as a register token; no other Hugging Face model has register tokens.
            case "reg_token" -> this == HUGGING_FACE_DEIT || this == HUGGING_FACE_DEIT_PLAIN
                    ? backbone("embeddings.distillation_token") : List.of(timmName);
            case "pos_embed" -> backbone("embeddings.position_embeddings");
            case "norm.weight" -> backbone("layernorm.weight");
            case "norm.bias" -> backbone("layernorm.bias");
            case "head.weight" -> List.of(head + ".weight");
            case "head.bias" -> List.of(head + ".bias");
            case "head_dist.weight" -> List.of(headDist + ".weight");
            case "head_dist.bias" -> List.of(headDist + ".bias");
            case "fc_norm.weight", "fc_norm.bias" -> List.of(timmName); // timm's alone: Hugging Face's configs cannot ask for it
            case "norm_pre.weight", "norm_pre.bias" -> List.of(timmName); // ViTForImageClassification has no pre-norm
            default -> timmName.startsWith("attn_pool.") ? List.of(timmName) : block(timmName); // timm's alone too
        };
    }

    private List<String> block(String timmName) {
        // blocks.{i}.{part} -> vit.encoder.layer.{i}.{hf part}; Dinov2 names its norms and MLP as timm does
        String[] p = timmName.split("\\.", 3);
        if (p.length != 3 || !p[0].equals("blocks")) throw new IllegalArgumentException("not a ViT tensor: " + timmName);
        String layer = "encoder.layer." + p[1] + ".";
        String kind = p[2].substring(p[2].lastIndexOf('.') + 1); // weight or bias
        boolean dinov2 = this == DINOV2;
        return switch (p[2].substring(0, p[2].lastIndexOf('.'))) {
            case "norm1" -> backbone(layer + (dinov2 ? "norm1." : "layernorm_before.") + kind);
            case "attn.qkv" -> backbone(layer + "attention.attention.query." + kind,
                    layer + "attention.attention.key." + kind, layer + "attention.attention.value." + kind);
            case "attn.proj" -> backbone(layer + "attention.output.dense." + kind);
            case "norm2" -> backbone(layer + (dinov2 ? "norm2." : "layernorm_after.") + kind);
            case "mlp.fc1" -> backbone(layer + (dinov2 ? "mlp.fc1." : "intermediate.dense.") + kind);
            case "mlp.fc2" -> backbone(layer + (dinov2 ? "mlp.fc2." : "output.dense.") + kind);
            case "ls1", "ls2" -> dinov2 ? backbone(layer + "layer_scale" + p[2].charAt(2) + ".lambda1")
                    : List.of(timmName); // ViTForImageClassification has no LayerScale
            case "attn.q_norm", "attn.k_norm" -> List.of(timmName); // neither Hugging Face model has qk-norm
            default -> throw new IllegalArgumentException("not a ViT tensor: " + timmName);
        };
    }

    private List<String> backbone(String... names) {
        return java.util.Arrays.stream(names).map(n -> prefix + n).toList();
    }
}
