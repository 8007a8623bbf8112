package jvit.vit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import jvit.kernels.Op.Activation;
import jvit.runtime.UserError;
import jvit.vit.image.Preprocessing;

/**
 * The standard ViT sizes, named as timm names them ({@code vit_base_patch16_224}) or as the paper
 * does ({@code ViT-B/16}, and {@code ViT-B/16-384} at 384 pixels). All have 1000 classes, LayerNorm
 * epsilon 1e-6 and timm's preprocessing for its augreg weights: bicubic, mean = std = 0.5, crop_pct
 * 0.9 at 224 pixels and 1.0 (the whole image) at 384. DeiT's distilled models
 * ({@code deit_base_distilled_patch16_224}: a distillation token and a second head) have ImageNet's
 * mean and std and crop_pct 0.875 at 224. Also the CLIP image towers timm registers
 * ({@code vit_base_patch16_clip_224}, and {@code _clip_quickgelu_} with quick GELU): a LayerNorm
 * before the blocks ({@code pre_norm}), PyTorch's LayerNorm epsilon 1e-5, OpenAI's CLIP mean and std.
 */
public final class ViTPresets {
    private record Size(String timm, String paper, int hidden, int heads, int mlp, int layers) {}

    private static final List<Size> SIZES = List.of(
            new Size("tiny", "Ti", 192, 3, 768, 12),
            new Size("small", "S", 384, 6, 1536, 12),
            new Size("base", "B", 768, 12, 3072, 12),
            new Size("large", "L", 1024, 16, 4096, 24));

    /** Keys in lower case: timm names first, then the paper's. */
    private static final Map<String, ViTConfig> PRESETS = new LinkedHashMap<>();
    private static final List<String> NAMES = new ArrayList<>();

    static {
        List<String> aliases = new ArrayList<>();
        Map<String, ViTConfig> byAlias = new LinkedHashMap<>();
        for (Size s : SIZES) {
            for (int patch : new int[] {16, 32}) {
                for (int image : new int[] {224, 384}) {
                    ViTConfig config = config(s, patch, image);
                    String timm = "vit_" + s.timm + "_patch" + patch + "_" + image;
                    String paper = "ViT-" + s.paper + "/" + patch + (image == 224 ? "" : "-" + image);
                    NAMES.add(timm);
                    aliases.add(paper);
                    PRESETS.put(timm, config);
                    byAlias.put(paper.toLowerCase(Locale.ROOT), config);
                }
            }
        }
        for (Size s : SIZES.subList(0, 3)) addDistilled(s, 224);
        addDistilled(SIZES.get(2), 384);
        for (int[] clip : new int[][] {{0, 16}, {0, 32}, {1, 14}}) { // base/16, base/32, large/14, at 224
            Size s = SIZES.get(2 + clip[0]);
            for (boolean quick : new boolean[] {false, true}) {
                String timm = "vit_" + s.timm + "_patch" + clip[1] + "_clip_" + (quick ? "quickgelu_" : "") + "224";
                NAMES.add(timm);
                PRESETS.put(timm, clip(s, clip[1], quick));
            }
        }
        NAMES.addAll(aliases);
        PRESETS.putAll(byAlias);
    }

    private ViTPresets() {}

    private static void addDistilled(Size s, int image) {
        float[] mean = {0.485f, 0.456f, 0.406f}, std = {0.229f, 0.224f, 0.225f}; // timm's IMAGENET_DEFAULT_MEAN/STD
        String name = "deit_" + s.timm + "_distilled_patch16_" + image;
        NAMES.add(name);
        PRESETS.put(name, config(s, 16, image).toBuilder().distilled(true)
                .preprocessing(new Preprocessing(image, image == 224 ? 0.875 : 1.0, Preprocessing.Interpolation.BICUBIC, mean, std))
                .build());
    }

    private static ViTConfig config(Size s, int patch, int image) {
        float[] half = {0.5f, 0.5f, 0.5f};
        Preprocessing preprocessing = new Preprocessing(image, image == 224 ? 0.9 : 1.0,
                Preprocessing.Interpolation.BICUBIC, half, half);
        return ViTConfig.builder().imageSize(image).patchSize(patch).channels(3).hidden(s.hidden).layers(s.layers)
                .heads(s.heads).mlpDim(s.mlp).layerNormEps(1e-6).qkvBias(true).labels(ViTConfig.defaultLabels(1000))
                .preprocessing(preprocessing).layerScale(0).resampling(ViTConfig.PositionResampling.TIMM).build();
    }

    private static ViTConfig clip(Size s, int patch, boolean quickGelu) {
        float[] mean = {0.48145466f, 0.4578275f, 0.40821073f}, std = {0.26862954f, 0.26130258f, 0.27577711f};
        return config(s, patch, 224).toBuilder().layerNormEps(1e-5).preNorm(true)
                .activation(quickGelu ? Activation.QUICK_GELU : Activation.GELU)
                .preprocessing(new Preprocessing(224, 1.0, Preprocessing.Interpolation.BICUBIC, mean, std)).build();
    }

    /** Every name a preset answers to: the timm names, then the paper's. */
    public static List<String> names() { return List.copyOf(NAMES); }

    /** The preset of that name, in any letter case. */
    public static Optional<ViTConfig> find(String name) {
        return Optional.ofNullable(PRESETS.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The preset of that name; an unknown name is a {@link UserError} that lists the known ones. */
    public static ViTConfig get(String name) {
        return find(name).orElseThrow(() -> new UserError("'" + name + "' is not a ViT preset; use one of "
                + String.join(", ", NAMES)));
    }
}
