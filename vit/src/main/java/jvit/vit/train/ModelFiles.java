package jvit.vit.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jvit.kernels.Op.Activation;
import jvit.runtime.Tensor;
import jvit.runtime.UserError;
import jvit.runtime.io.AtomicFile;
import jvit.vit.ViTConfig;
import jvit.vit.image.Preprocessing;
import jvit.vit.io.FloatTensor;
import jvit.vit.io.Json;
import jvit.vit.io.Safetensors;
import jvit.vit.model.CheckpointNames;
import jvit.vit.model.ViTModel;

/**
 * Writes a trained model as its library lays one out, so that {@code vit classify --model DIR} and
 * the library read it back as the same model: {@code config.json}, {@code preprocessor_config.json}
 * and {@code model.safetensors}. A model Hugging Face's {@code ViTForImageClassification} describes
 * is written under its names; a ViT with DeiT's distillation token, resampled as Hugging Face does, as
 * {@code DeiTForImageClassification} (one head) or {@code DeiTForImageClassificationWithTeacher} (two);
 * a Dinov2 (the head on the class token and the mean) as {@code Dinov2ForImageClassification}; any
 * other (LayerScale, no class token, register tokens, no_embed_class, distillation, pooled heads, pre-norm, qk-norm,
 * GELU forms, dynamic image size) as timm's {@code save_for_hf} writes one: timm's names, and a
 * {@code config.json} whose {@code model_args} say it all. A switch no layout can express is refused
 * by name before any file is written. Each file is written atomically.
 */
public final class ModelFiles {
    /** The library and model class a directory is written for. */
    private enum Layout { HUGGING_FACE_VIT, HUGGING_FACE_DEIT, HUGGING_FACE_DINOV2, TIMM }

    private static final String DINOV2_MASK_TOKEN = "dinov2.embeddings.mask_token";

    private ModelFiles() {}

    /** {@code weights} under timm's names, as jvit holds them ({@link jvit.vit.model.ViTWeights#all}). */
    public static void write(Path dir, ViTConfig config, List<Tensor> weights, Map<String, String> metadata) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw UserError.inFile(dir, "cannot be created (" + e.getMessage() + "); choose another --out");
        }
        // Both files' contents before any file: a model no config can describe is refused first.
        Map<String, Object> json = config(config);
        Layout layout = layout(config);
        Map<String, Object> preprocessor = switch (layout) {
            case HUGGING_FACE_VIT, HUGGING_FACE_DEIT -> preprocessor(config.preprocessing());
            case HUGGING_FACE_DINOV2 -> dinov2Preprocessor(config.preprocessing());
            case TIMM -> null; // timm's config.json holds it (pretrained_cfg)
        };
        Map<String, FloatTensor> tensors = switch (layout) {
            case HUGGING_FACE_VIT -> CheckpointNames.HUGGING_FACE.rename(weights);
            case HUGGING_FACE_DEIT -> (config.distilled() ? CheckpointNames.HUGGING_FACE_DEIT : CheckpointNames.HUGGING_FACE_DEIT_PLAIN)
                    .rename(weights);
            case TIMM -> CheckpointNames.TIMM.rename(weights);
            case HUGGING_FACE_DINOV2 -> {
                // Dinov2's masked-image token: unused in classifying, but transformers builds it and reports it missing without it.
                Map<String, FloatTensor> named = CheckpointNames.DINOV2.rename(weights);
                named.put(DINOV2_MASK_TOKEN, FloatTensor.of(new float[config.hidden()], 1, config.hidden()));
                yield named;
            }
        };
        Safetensors.write(dir.resolve(ViTModel.WEIGHTS), tensors, metadata);
        writeJson(dir.resolve(ViTModel.CONFIG), json);
        if (preprocessor != null) writeJson(dir.resolve("preprocessor_config.json"), preprocessor);
    }

    /** Which library's model class describes the config; {@link #config} refuses what none does. */
    private static Layout layout(ViTConfig c) {
        if (c.pool() == ViTConfig.Pool.CLASS_AND_AVG) return Layout.HUGGING_FACE_DINOV2;
        if (huggingFace(c)) return Layout.HUGGING_FACE_VIT;
        return huggingFaceDeit(c) ? Layout.HUGGING_FACE_DEIT : Layout.TIMM;
    }

    /**
     * Whether Hugging Face's DeiT describes the model, and the model resamples its positions as Hugging Face does
     * (else timm's config describes it too, resampling as timm does): a plain ViT with DeiT's distillation token,
     * and either its second head ({@code DeiTForImageClassificationWithTeacher}) or none ({@code DeiTForImageClassification},
     * the token held as a register token with a position).
     */
    private static boolean huggingFaceDeit(ViTConfig c) {
        ViTConfig plain = c.toBuilder().distilled(false).regTokens(0).build();
        boolean distillationToken = c.distilled() ? c.regTokens() == 0 : c.regTokens() == 1 && !c.noEmbedClass();
        return distillationToken && huggingFace(plain) && c.resampling() == ViTConfig.PositionResampling.HUGGING_FACE;
    }

    /**
     * Whether Hugging Face's {@code ViTForImageClassification} can describe the model: everything but
     * LayerScale, register tokens, position embeddings without the class token, DeiT's distillation, pooled heads (and so
     * no class token), pre-norm, qk-norm and dynamic image sizes.
     */
    static boolean huggingFace(ViTConfig c) {
        return c.classToken() && !c.hasLayerScale() && c.regTokens() == 0 && !c.noEmbedClass() && !c.distilled()
                && c.pool() == ViTConfig.Pool.TOKEN && !c.fcNorm() && !c.preNorm() && !c.qkNorm() && !c.dynamicImageSize();
    }

    /** The activation's name in Hugging Face's {@code hidden_act} and in timm's {@code act_layer}. */
    private static String activationName(Activation a, boolean huggingFace) {
        return switch (a) {
            case GELU -> "gelu";
            case GELU_TANH -> huggingFace ? "gelu_pytorch_tanh" : "gelu_tanh";
            case QUICK_GELU -> "quick_gelu";
            case NONE -> throw new IllegalArgumentException("a ViT's MLP has a GELU");
        };
    }

    /** The model's {@code config.json}: Hugging Face's where it can describe the model, else timm's; refused where neither can. */
    public static Map<String, Object> config(ViTConfig c) {
        return switch (layout(c)) {
            case HUGGING_FACE_VIT, HUGGING_FACE_DEIT -> huggingFaceConfig(c);
            case HUGGING_FACE_DINOV2 -> dinov2Config(c);
            case TIMM -> timmConfig(c);
        };
    }

    /**
     * timm's hub config, every size and switch in {@code model_args}, over the defaults of an
     * architecture chosen for what {@code model_args} cannot say: the LayerNorm epsilon (1e-6 in
     * {@code vit_base_patch16_224}, PyTorch's 1e-5 in {@code vit_base_patch16_clip_224}) and DeiT's
     * distillation token ({@code deit_base_distilled_patch16_224}). So timm builds the same model from
     * it, and jvit reads it back the same.
     */
    static Map<String, Object> timmConfig(ViTConfig c) {
        double mlpRatio = (double) c.mlpDim() / c.hidden();
        if ((int) (c.hidden() * mlpRatio) != c.mlpDim())
            throw new UserError("timm's config gives the MLP width as embed_dim × mlp_ratio; MLP " + c.mlpDim() + " of " + c.hidden()
                    + " cannot be written as one — choose an MLP width timm can describe");
        String architecture = timmArchitecture(c);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("img_size", c.imageSize());
        args.put("patch_size", c.patchSize());
        args.put("in_chans", c.channels());
        args.put("num_classes", c.numLabels());
        args.put("embed_dim", c.hidden());
        args.put("depth", c.layers());
        args.put("num_heads", c.heads());
        args.put("mlp_ratio", mlpRatio);
        args.put("qkv_bias", c.qkvBias());
        args.put("init_values", c.layerScale());
        args.put("global_pool", poolName(c.pool()));
        args.put("fc_norm", c.fcNorm());
        if (!c.classToken()) args.put("class_token", false);
        args.put("reg_tokens", c.regTokens());
        args.put("no_embed_class", c.noEmbedClass());
        args.put("act_layer", activationName(c.activation(), false));
        // Written even when off: the CLIP architecture turns pre_norm on by default.
        args.put("pre_norm", c.preNorm());
        args.put("qk_norm", c.qkNorm());
        args.put("dynamic_img_size", c.dynamicImageSize());
        Preprocessing p = c.preprocessing();
        Map<String, Object> pretrained = new LinkedHashMap<>();
        pretrained.put("input_size", List.of(c.channels(), c.imageSize(), c.imageSize()));
        pretrained.put("interpolation", p.interpolation() == Preprocessing.Interpolation.BICUBIC ? "bicubic" : "bilinear");
        pretrained.put("crop_pct", p.cropPct());
        pretrained.put("crop_mode", "center");
        pretrained.put("mean", floats(p.mean()));
        pretrained.put("std", floats(p.std()));
        pretrained.put("num_classes", c.numLabels());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("architecture", architecture);
        o.put("num_classes", c.numLabels());
        o.put("num_features", c.hidden());
        o.put("global_pool", poolName(c.pool()));
        o.put("label_names", c.labels());
        o.put("model_args", args);
        o.put("pretrained_cfg", pretrained);
        return o;
    }

    /** The timm architecture whose defaults {@code model_args} goes over; refused where no architecture has the epsilon. */
    private static String timmArchitecture(ViTConfig c) {
        // timm builds the distillation token and second head from the architecture's class, VisionTransformerDistilled.
        if (c.layerNormEps() == 1e-6) return c.distilled() ? "deit_base_distilled_patch16_224" : "vit_base_patch16_224";
        if (c.layerNormEps() == 1e-5 && !c.distilled()) return "vit_base_patch16_clip_224";
        throw new UserError("timm's config names LayerNorm's epsilon only through the architecture: 1e-6 (vit_base_patch16_224"
                + (c.distilled() ? ", deit_base_distilled_patch16_224" : "") + ")" + (c.distilled() ? "" : " or 1e-5 (vit_base_patch16_clip_224)")
                + "; layer_norm_eps " + c.layerNormEps() + (c.distilled() ? " for a distilled (DeiT) model" : "")
                + " cannot be written — choose one of them");
    }

    /**
     * Hugging Face's {@code Dinov2ForImageClassification} config (transformers 5's {@code Dinov2Config}):
     * LayerScale, erf GELU, a learned position embedding over the class token and the patches,
     * the classifier on the class token and the mean of the patches.
     */
    static Map<String, Object> dinov2Config(ViTConfig c) {
        List<String> other = new java.util.ArrayList<>();
        if (!c.hasLayerScale()) other.add("no LayerScale (init_values 0)");
        if (c.activation() != Activation.GELU) other.add("hidden_act " + activationName(c.activation(), true));
        if (c.regTokens() > 0) other.add("register tokens (Dinov2WithRegisters)");
        if (c.noEmbedClass()) other.add("no_embed_class");
        if (c.distilled()) other.add("a distillation token");
        if (c.preNorm()) other.add("pre_norm");
        if (c.qkNorm()) other.add("qk_norm");
        if (c.dynamicImageSize()) other.add("dynamic_img_size");
        if (c.resampling() != ViTConfig.PositionResampling.HUGGING_FACE) other.add("timm's position resampling");
        // transformers 5 takes mlp_ratio as an int only
        if (c.mlpDim() % c.hidden() != 0) other.add("MLP " + c.mlpDim() + " of " + c.hidden() + " (not hidden_size × a whole mlp_ratio)");
        if (!other.isEmpty())
            throw new UserError("a model with a head on the class token and the mean is written as Hugging Face's Dinov2ForImageClassification,"
                    + " which cannot describe " + String.join(", ", other) + " — change the config");
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("architectures", List.of("Dinov2ForImageClassification"));
        o.put("model_type", "dinov2");
        sizes(c, o);
        o.put("mlp_ratio", c.mlpDim() / c.hidden());
        o.put("hidden_act", "gelu");
        o.put("layer_norm_eps", c.layerNormEps());
        o.put("qkv_bias", c.qkvBias());
        o.put("layerscale_value", c.layerScale());
        o.put("use_swiglu_ffn", false);
        labels(c, o);
        return o;
    }

    /** The sizes Hugging Face's ViT, DeiT and Dinov2 configs name alike. */
    private static void sizes(ViTConfig c, Map<String, Object> o) {
        o.put("image_size", c.imageSize());
        o.put("patch_size", c.patchSize());
        o.put("num_channels", c.channels());
        o.put("hidden_size", c.hidden());
        o.put("num_hidden_layers", c.layers());
        o.put("num_attention_heads", c.heads());
    }

    /** timm's {@code global_pool} name. */
    private static String poolName(ViTConfig.Pool pool) {
        return pool.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The Hugging Face {@code ViTForImageClassification} config of a jvit config, or DeiT's: the same fields. */
    static Map<String, Object> huggingFaceConfig(ViTConfig c) {
        Map<String, Object> o = new LinkedHashMap<>();
        boolean deit = layout(c) == Layout.HUGGING_FACE_DEIT;
        o.put("architectures", List.of(!deit ? "ViTForImageClassification"
                : c.distilled() ? "DeiTForImageClassificationWithTeacher" : "DeiTForImageClassification"));
        o.put("model_type", deit ? "deit" : "vit");
        sizes(c, o);
        o.put("intermediate_size", c.mlpDim());
        o.put("hidden_act", activationName(c.activation(), true));
        o.put("layer_norm_eps", c.layerNormEps());
        o.put("qkv_bias", c.qkvBias());
        labels(c, o);
        return o;
    }

    /** Hugging Face's {@code id2label} and {@code label2id}. */
    private static void labels(ViTConfig c, Map<String, Object> o) {
        Map<String, Object> id2label = new LinkedHashMap<>(), label2id = new LinkedHashMap<>();
        for (int i = 0; i < c.numLabels(); i++) {
            id2label.put(Integer.toString(i), c.labels().get(i));
            label2id.put(c.labels().get(i), i);
        }
        o.put("id2label", id2label);
        o.put("label2id", label2id);
    }

    static Map<String, Object> preprocessor(Preprocessing p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("image_processor_type", "ViTImageProcessor");
        o.put("do_resize", true);
        Map<String, Object> size = new LinkedHashMap<>(); // in order, so that every run writes the same file
        size.put("height", p.size());
        size.put("width", p.size());
        o.put("size", size);
        o.put("resample", p.interpolation() == Preprocessing.Interpolation.BICUBIC ? 3 : 2);
        if (p.cropPct() != 1) o.put("crop_pct", p.cropPct());
        o.put("do_rescale", true);
        o.put("rescale_factor", 1.0 / 255);
        o.put("do_normalize", true);
        o.put("image_mean", floats(p.mean()));
        o.put("image_std", floats(p.std()));
        return o;
    }

    /**
     * Dinov2's {@code BitImageProcessor}: at {@code crop_pct} 1 the image resized straight to the square (no crop), as jvit
     * does; else the shorter side resized to {@code n} and the center cropped to {@code size}, where {@code size/n} is the
     * crop fraction, as jvit reads such a file; refused where no whole side gives it back.
     */
    static Map<String, Object> dinov2Preprocessor(Preprocessing p) {
        int resized = (int) Math.round(p.size() / p.cropPct());
        if (p.cropPct() != 1 && (double) p.size() / resized != p.cropPct())
            throw new UserError("Dinov2's image processor crops a whole side from a whole side; crop_pct " + p.cropPct() + " of "
                    + p.size() + " pixels is not " + p.size() + "/n for any n — choose another crop_pct");
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("image_processor_type", "BitImageProcessor");
        o.put("do_resize", true);
        Map<String, Object> size = new LinkedHashMap<>(), crop = new LinkedHashMap<>();
        if (p.cropPct() == 1) {
            size.put("height", p.size());
            size.put("width", p.size());
        } else {
            size.put("shortest_edge", resized);
        }
        o.put("size", size);
        o.put("resample", p.interpolation() == Preprocessing.Interpolation.BICUBIC ? 3 : 2);
        o.put("do_center_crop", p.cropPct() != 1);
        crop.put("height", p.size());
        crop.put("width", p.size());
        o.put("crop_size", crop);
        o.put("do_rescale", true);
        o.put("rescale_factor", 1.0 / 255);
        o.put("do_normalize", true);
        o.put("image_mean", floats(p.mean()));
        o.put("image_std", floats(p.std()));
        o.put("do_convert_rgb", p.channels() == 3);
        return o;
    }

    private static List<Double> floats(float[] x) {
        List<Double> out = new java.util.ArrayList<>();
        for (float v : x) out.add((double) v);
        return out;
    }

    private static void writeJson(Path file, Object value) {
        AtomicFile.write(file, out -> out.write((Json.writePretty(value) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
