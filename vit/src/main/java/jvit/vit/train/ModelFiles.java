package jvit.vit.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jvit.kernels.Op.Activation;
import jvit.runtime.Tensor;
import jvit.runtime.io.AtomicFile;
import jvit.vit.ViTConfig;
import jvit.vit.image.Preprocessing;
import jvit.vit.io.Json;
import jvit.vit.io.Safetensors;
import jvit.vit.model.CheckpointNames;
import jvit.vit.model.ViTModel;

/**
 * Writes a trained model as Hugging Face lays one out, so {@code vit classify --model DIR} and
 * transformers' {@code ViTForImageClassification.from_pretrained} read it: {@code config.json},
 * {@code preprocessor_config.json} and {@code model.safetensors} under Hugging Face's tensor names.
 * A model Hugging Face's ViT cannot describe (LayerScale, no class token, register tokens, no_embed_class, distillation,
 * pre-norm, qk-norm, dynamic image size) is written as timm's {@code save_for_hf} writes one instead: timm's names,
 * and a {@code config.json} whose {@code model_args} say it all.
 * Each file is written atomically.
 */
public final class ModelFiles {
    private ModelFiles() {}

    /** {@code weights} under timm's names, as jvit holds them ({@link jvit.vit.model.ViTWeights#all}). */
    public static void write(Path dir, ViTConfig config, List<Tensor> weights, Map<String, String> metadata) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw jvit.runtime.UserError.inFile(dir, "cannot be created (" + e.getMessage() + "); choose another --out");
        }
        Map<String, Object> json = config(config); // before any file: a model no config can describe is refused first
        boolean huggingFace = huggingFace(config);
        Safetensors.write(dir.resolve(ViTModel.WEIGHTS),
                (huggingFace ? CheckpointNames.HUGGING_FACE : CheckpointNames.TIMM).rename(weights), metadata);
        writeJson(dir.resolve(ViTModel.CONFIG), json);
        if (huggingFace) writeJson(dir.resolve("preprocessor_config.json"), preprocessor(config.preprocessing()));
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

    /** The model's {@code config.json}: Hugging Face's where it can describe the model, else timm's. */
    static Map<String, Object> config(ViTConfig c) {
        return huggingFace(c) ? huggingFaceConfig(c) : timmConfig(c);
    }

    /**
     * timm's hub config, every size in {@code model_args} (over {@code vit_base_patch16_224}'s
     * defaults), so that timm builds the model from it and jvit reads it back the same.
     */
    static Map<String, Object> timmConfig(ViTConfig c) {
        if (c.pool() == ViTConfig.Pool.CLASS_AND_AVG)
            throw new jvit.runtime.UserError("jvit does not yet write Dinov2 models (a head on the class token and the mean)");
        double mlpRatio = (double) c.mlpDim() / c.hidden();
        if ((int) (c.hidden() * mlpRatio) != c.mlpDim() || c.layerNormEps() != 1e-6)
            throw new jvit.runtime.UserError("a model Hugging Face's ViT cannot describe (LayerScale, register tokens, no_embed_class,"
                    + " distillation, pooling, pre-norm, qk-norm, dynamic image size) is written as timm's, whose MLP width is hidden × mlp_ratio and"
                    + " LayerNorm epsilon 1e-6; MLP " + c.mlpDim() + " of " + c.hidden() + " and epsilon " + c.layerNormEps()
                    + " cannot be written — choose sizes timm can describe");
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
        if (c.activation() != Activation.GELU) args.put("act_layer", activationName(c.activation(), false));
        if (c.preNorm()) args.put("pre_norm", true);
        if (c.qkNorm()) args.put("qk_norm", true);
        if (c.dynamicImageSize()) args.put("dynamic_img_size", true);
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
        // timm builds the distillation token and second head from the architecture's class, VisionTransformerDistilled.
        o.put("architecture", c.distilled() ? "deit_base_distilled_patch16_224" : "vit_base_patch16_224");
        o.put("num_classes", c.numLabels());
        o.put("num_features", c.hidden());
        o.put("global_pool", poolName(c.pool()));
        o.put("label_names", c.labels());
        o.put("model_args", args);
        o.put("pretrained_cfg", pretrained);
        return o;
    }

    /** timm's {@code global_pool} name. */
    private static String poolName(ViTConfig.Pool pool) {
        return pool.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The Hugging Face {@code ViTForImageClassification} config of a jvit config. */
    static Map<String, Object> huggingFaceConfig(ViTConfig c) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("architectures", List.of("ViTForImageClassification"));
        o.put("model_type", "vit");
        o.put("image_size", c.imageSize());
        o.put("patch_size", c.patchSize());
        o.put("num_channels", c.channels());
        o.put("hidden_size", c.hidden());
        o.put("num_hidden_layers", c.layers());
        o.put("num_attention_heads", c.heads());
        o.put("intermediate_size", c.mlpDim());
        o.put("hidden_act", activationName(c.activation(), true));
        o.put("layer_norm_eps", c.layerNormEps());
        o.put("qkv_bias", c.qkvBias());
        Map<String, Object> id2label = new LinkedHashMap<>(), label2id = new LinkedHashMap<>();
        for (int i = 0; i < c.numLabels(); i++) {
            id2label.put(Integer.toString(i), c.labels().get(i));
            label2id.put(c.labels().get(i), i);
        }
        o.put("id2label", id2label);
        o.put("label2id", label2id);
        return o;
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

    private static List<Double> floats(float[] x) {
        List<Double> out = new java.util.ArrayList<>();
        for (float v : x) out.add((double) v);
        return out;
    }

    private static void writeJson(Path file, Object value) {
        AtomicFile.write(file, out -> out.write((Json.writePretty(value) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
