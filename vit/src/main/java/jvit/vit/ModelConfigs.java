package jvit.vit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import jvit.kernels.Op.Activation;
import jvit.vit.image.Preprocessing;
import jvit.vit.image.Preprocessing.Interpolation;
import jvit.vit.ConfigFields.Switch;
import jvit.vit.io.JsonFields;

/**
 * Reads a model's {@code config.json} as the two ecosystems ship it: Hugging Face's
 * ({@code ViTForImageClassification}, with {@code preprocessor_config.json} beside it) and timm's
 * hub config (an architecture name, mapped through {@link ViTPresets}). A value jvit cannot honour
 * is refused with a one-line {@link UserError} naming the file, never silently approximated.
 */
public final class ModelConfigs {
    /** PIL's resampling filter numbers, as {@code preprocessor_config.json} writes {@code resample}. */
    private static final Map<Integer, Interpolation> PIL_FILTERS = Map.of(2, Interpolation.BILINEAR, 3, Interpolation.BICUBIC);
    private static final List<String> PIL_FILTER_NAMES = List.of("NEAREST", "LANCZOS", "BILINEAR", "BICUBIC", "BOX", "HAMMING");
    /** The MLP activations jvit runs, by Hugging Face's {@code hidden_act} names and timm's {@code act_layer} names. */
    private static final Map<String, Activation> HF_ACTIVATIONS = Map.of("gelu", Activation.GELU,
            "gelu_pytorch_tanh", Activation.GELU_TANH, "gelu_new", Activation.GELU_TANH, "quick_gelu", Activation.QUICK_GELU);
    private static final Map<String, Activation> TIMM_ACTIVATIONS = Map.of("gelu", Activation.GELU,
            "gelu_tanh", Activation.GELU_TANH, "quick_gelu", Activation.QUICK_GELU);

    /** Hugging Face's {@code ViTConfig} fields and {@code PretrainedConfig}'s common ones (transformers 4 and 5). */
    private static final ConfigFields HF_VIT = new ConfigFields("a Hugging Face ViT config",
            Set.of("model_type", "architectures", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                    "hidden_act", "layer_norm_eps", "image_size", "patch_size", "num_channels", "qkv_bias", "id2label",
                    "label2id", "num_labels"),
            harmless(
                    // training only (dropout, initialisation, the loss), or parts ViTForImageClassification leaves out
                    "hidden_dropout_prob", "attention_probs_dropout_prob", "initializer_range", "problem_type",
                    "encoder_stride", "pooler_output_size", "pooler_act",
                    // bookkeeping and what a forward call returns
                    "transformers_version", "_name_or_path", "name_or_path", "_commit_hash", "dtype", "torch_dtype",
                    "use_bfloat16", "output_hidden_states", "output_attentions", "return_dict", "use_return_dict", "torchscript",
                    "chunk_size_feed_forward", "finetuning_task", "tf_legacy_loss", "_attn_implementation_autoset",
                    "attn_implementation", "tokenizer_class", "prefix", "task_specific_params", "tie_word_embeddings",
                    "is_encoder_decoder", "is_decoder", "add_cross_attention", "cross_attention_hidden_size",
                    "tie_encoder_decoder", "bos_token_id", "eos_token_id", "pad_token_id", "sep_token_id",
                    "decoder_start_token_id",
                    // generation settings, which transformers drops for every model
                    "assistant_confidence_threshold", "assistant_lookbehind", "bad_words_ids", "begin_suppress_tokens",
                    "diversity_penalty", "do_sample", "early_stopping", "encoder_no_repeat_ngram_size",
                    "encoder_repetition_penalty", "epsilon_cutoff", "eta_cutoff", "exponential_decay_length_penalty",
                    "forced_bos_token_id", "forced_eos_token_id", "length_penalty", "max_length", "min_length",
                    "no_repeat_ngram_size", "num_assistant_tokens", "num_assistant_tokens_schedule", "num_beam_groups",
                    "num_beams", "num_return_sequences", "output_scores", "remove_invalid_values", "repetition_penalty",
                    "return_dict_in_generate", "suppress_tokens", "target_lookbehind", "temperature", "top_k", "top_p",
                    "typical_p", "use_cache"),
            List.of(Switch.off("pruned_heads", "pruned attention heads", Map.of())));

    /** Hugging Face's {@code Dinov2Config} fields (transformers 5), with {@code PretrainedConfig}'s common ones. */
    private static final ConfigFields HF_DINOV2 = new ConfigFields("a Hugging Face Dinov2 config",
            Set.of("model_type", "architectures", "hidden_size", "num_hidden_layers", "num_attention_heads", "mlp_ratio",
                    "hidden_act", "layer_norm_eps", "image_size", "patch_size", "num_channels", "qkv_bias", "layerscale_value",
                    "id2label", "label2id", "num_labels"),
            union(HF_VIT.harmless(), Set.of("drop_path_rate",
                    // the mask token serves masked-image pretraining; the rest, Dinov2Backbone's feature maps
                    "use_mask_token", "apply_layernorm", "reshape_hidden_states", "out_features", "out_indices", "stage_names")),
            List.of(Switch.off("use_swiglu_ffn", "Dinov2's SwiGLU MLP (use_swiglu_ffn)", false),
                    Switch.off("pruned_heads", "pruned attention heads", Map.of())));

    /** The keyword arguments of timm's {@code VisionTransformer.__init__} (timm 1.0). */
    private static final ConfigFields TIMM_MODEL_ARGS = new ConfigFields("timm's model_args",
            Set.of("img_size", "patch_size", "in_chans", "num_classes", "embed_dim", "depth", "num_heads", "mlp_ratio",
                    "qkv_bias", "global_pool", "fc_norm", "act_layer", "norm_layer", "init_values", "reg_tokens", "no_embed_class",
                    "class_token", "pre_norm", "qk_norm", "dynamic_img_size"),
            harmless("drop_rate", "pos_drop_rate", "patch_drop_rate", "proj_drop_rate", "attn_drop_rate", "drop_path_rate",
                    "weight_init", "fix_init", "device", "dtype",
                    // pads images whose side is not a multiple of the patch; jvit's sides always are
                    "dynamic_img_pad"),
            List.of(Switch.off("final_norm", "models without the final norm", true),
                    Switch.off("pool_include_prefix", "pooling over the prefix tokens", false),
                    Switch.off("scale_attn_norm", "a norm inside attention (scale_attn_norm)", false),
                    Switch.off("scale_mlp_norm", "a norm inside the MLP (scale_mlp_norm)", false),
                    Switch.off("proj_bias", "projections without bias (proj_bias)", true),
                    Switch.off("pos_embed", "position embeddings other than learned ones", "learn"),
                    Switch.off("embed_norm_layer", "a norm in the patch embedding", (Object) null),
                    Switch.off("embed_layer", "another patch embedding", (Object) null),
                    Switch.off("block_fn", "another block", (Object) null),
                    Switch.off("mlp_layer", "another MLP", (Object) null),
                    Switch.off("attn_layer", "another attention", (Object) null)));

    /** timm's {@code global_pool} values that jvit runs. */
    private static final Map<String, ViTConfig.Pool> TIMM_POOLS = Map.of("token", ViTConfig.Pool.TOKEN, "avg", ViTConfig.Pool.AVG,
            "max", ViTConfig.Pool.MAX, "avgmax", ViTConfig.Pool.AVGMAX, "map", ViTConfig.Pool.MAP);

    private ModelConfigs() {}

    private static Set<String> harmless(String... keys) { return Set.of(keys); }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** A Hugging Face or timm {@code config.json}, told apart by timm's {@code "architecture"} key. */
    public static ViTConfig read(Path configJson) {
        JsonFields config = JsonFields.read(configJson);
        if (config.has("architecture")) return timm(config);
        if (config.has("model_type") || config.has("hidden_size")) return huggingFace(config);
        throw config.error("is neither a Hugging Face config (no \"model_type\") nor a timm one (no \"architecture\");"
                + " give the model's config.json");
    }

    /**
     * A Hugging Face {@code ViTForImageClassification} config. Missing keys take Hugging Face's
     * defaults (ViT-B/16 at 224, eps 1e-12, two classes), as {@code ViTConfig} in transformers does.
     */
    public static ViTConfig huggingFace(Path configJson) {
        return huggingFace(JsonFields.read(configJson));
    }

    /** A timm hub {@code config.json}: the preset its architecture names, with its classes and preprocessing. */
    public static ViTConfig timm(Path configJson) {
        return timm(JsonFields.read(configJson));
    }

    private static ViTConfig huggingFace(JsonFields c) {
        String type = c.string("model_type", "vit");
        if (type.equals("dinov2")) return dinov2(c);
        if (!type.equals("vit") && !type.equals("deit")) {
            throw c.error("model_type '" + type + "' is not supported; jvit runs ViTForImageClassification (model_type \"vit\"),"
                    + " DeiTForImageClassification and DeiTForImageClassificationWithTeacher (\"deit\") and Dinov2ForImageClassification"
                    + " (\"dinov2\")");
        }
        HF_VIT.check(c); // DeiT's config has the ViT's fields
        // DeiT's model class is named in the file; a ViT's may be left out.
        List<String> known = type.equals("deit") ? List.of("DeiTForImageClassificationWithTeacher", "DeiTForImageClassification")
                : List.of("ViTForImageClassification");
        List<String> architectures = c.has("architectures") ? c.strings("architectures") : type.equals("deit") ? List.of() : known;
        if (architectures.size() != 1 || !known.contains(architectures.getFirst())) {
            throw c.error("architectures " + architectures + " is not supported; jvit runs " + String.join(" and ", known)
                    + (type.equals("deit") ? " for model_type 'deit'" : ""));
        }
        boolean distilled = architectures.getFirst().equals("DeiTForImageClassificationWithTeacher");
        // The plain DeiT's distillation token, with a position and no head, computes as a register token does.
        int distillationToken = architectures.getFirst().equals("DeiTForImageClassification") ? 1 : 0;
        String activationName = c.string("hidden_act", "gelu");
        Activation activation = HF_ACTIVATIONS.get(activationName);
        if (activation == null) {
            throw c.error("hidden_act '" + activationName + "' is not supported; jvit's MLP runs " + String.join(", ",
                    HF_ACTIVATIONS.keySet().stream().sorted().map(n -> "\"" + n + "\"").toList()));
        }
        // The checkpoint's shapes check every other size; the heads split the width in a way no shape shows.
        if (!c.has("num_attention_heads")) {
            throw c.error("has no \"num_attention_heads\"; the checkpoint cannot tell how many heads the model has — add the field");
        }
        int imageSize = huggingFaceImageSize(c);
        int channels = c.integer("num_channels", 3);
        if (channels < 1) throw c.error(c.name("num_channels") + " is " + channels + "; an image has at least one channel — fix the file");
        Preprocessing preprocessing = build(c, () -> huggingFacePreprocessing(c.file().resolveSibling("preprocessor_config.json"), imageSize, channels));
        List<String> labels = huggingFaceLabels(c);
        return build(c, () -> ViTConfig.builder().imageSize(imageSize).patchSize(c.integer("patch_size", 16))
                .channels(channels).hidden(c.integer("hidden_size", 768)).layers(c.integer("num_hidden_layers", 12))
                .heads(c.integer("num_attention_heads", 12)).mlpDim(c.integer("intermediate_size", 3072))
                .layerNormEps(c.number("layer_norm_eps", 1e-12)).qkvBias(c.bool("qkv_bias", true)).labels(labels)
                .preprocessing(preprocessing).distilled(distilled).regTokens(distillationToken).activation(activation).build());
    }

    /** {@code image_size}: a side, or {@code [height, width]} as transformers also takes it (square only). */
    private static int huggingFaceImageSize(JsonFields c) {
        if (!c.has("image_size") || c.get("image_size") instanceof Long) return c.integer("image_size", 224);
        int[] size = c.integers("image_size", null);
        if (size.length != 2 || size[0] != size[1]) {
            throw c.error(c.name("image_size") + " is " + Arrays.toString(size) + ", not a side or [side, side];"
                    + " jvit runs square images only — give a square size");
        }
        return size[0];
    }

    /**
     * A Hugging Face {@code Dinov2ForImageClassification} config: a ViT with LayerScale whose
     * classifier reads the class token and the mean of the patch tokens. It runs at the size its
     * image processor crops to ({@code image_size} without one), its position embeddings resampled
     * from the checkpoint's grid as Dinov2's {@code interpolate_pos_encoding} does at every call.
     * Missing keys take {@code Dinov2Config}'s defaults.
     */
    private static ViTConfig dinov2(JsonFields c) {
        HF_DINOV2.check(c);
        if (c.has("architectures") && !c.strings("architectures").equals(List.of("Dinov2ForImageClassification"))) {
            throw c.error("architectures " + c.strings("architectures") + " is not supported; of Dinov2, jvit runs Dinov2ForImageClassification");
        }
        String activation = c.string("hidden_act", "gelu");
        if (!activation.equals("gelu")) {
            throw c.error("hidden_act '" + activation + "' is not supported; jvit's MLP uses the exact (erf) GELU, \"gelu\"");
        }
        if (!c.has("num_attention_heads")) {
            throw c.error("has no \"num_attention_heads\"; the checkpoint cannot tell how many heads the model has — add the field");
        }
        double layerScale = c.number("layerscale_value", 1.0);
        if (layerScale == 0) {
            throw c.error(c.name("layerscale_value") + " is 0; jvit holds Dinov2's LayerScale only with a nonzero initial value — set 1.0");
        }
        int hidden = c.integer("hidden_size", 768), channels = c.integer("num_channels", 3);
        if (channels < 1) throw c.error(c.name("num_channels") + " is " + channels + "; an image has at least one channel — fix the file");
        int mlp = (int) (hidden * c.number("mlp_ratio", 4)); // as Dinov2MLP: int(hidden_size * mlp_ratio)
        int configured = c.integer("image_size", 224);
        Preprocessing preprocessing = build(c, () -> huggingFacePreprocessing(c.file().resolveSibling("preprocessor_config.json"),
                configured, channels));
        List<String> labels = huggingFaceLabels(c);
        return build(c, () -> ViTConfig.builder().imageSize(preprocessing.size()).patchSize(c.integer("patch_size", 14))
                .channels(channels).hidden(hidden).layers(c.integer("num_hidden_layers", 12))
                .heads(c.integer("num_attention_heads", 12)).mlpDim(mlp).layerNormEps(c.number("layer_norm_eps", 1e-6))
                .qkvBias(c.bool("qkv_bias", true)).labels(labels).preprocessing(preprocessing).layerScale(layerScale)
                .resampling(ViTConfig.PositionResampling.HUGGING_FACE).pool(ViTConfig.Pool.CLASS_AND_AVG).build());
    }

    /** {@code id2label} ({@code {"0": "tench", ...}}), else {@code LABEL_i} for {@code num_labels} (default 2). */
    private static List<String> huggingFaceLabels(JsonFields c) {
        if (!c.has("id2label")) return ViTConfig.defaultLabels(classes(c, "num_labels", c.integer("num_labels", 2)));
        Map<String, Object> entries = c.object("id2label").entries();
        String[] labels = new String[entries.size()];
        for (Map.Entry<String, Object> e : entries.entrySet()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException notANumber) {
                id = -1;
            }
            if (id < 0 || id >= labels.length || labels[id] != null) {
                throw c.error("id2label key \"" + e.getKey() + "\" is not a class number from 0 to " + (labels.length - 1) + "; fix the file");
            }
            if (!(e.getValue() instanceof String label)) throw c.error("id2label \"" + e.getKey() + "\" is not a string; fix the file");
            labels[id] = label;
        }
        return Arrays.asList(labels);
    }

    /**
     * Hugging Face's image processor settings, or {@link Preprocessing#huggingFace} when the model
     * has no {@code preprocessor_config.json}. {@code size} is a side, {@code {"height", "width"}}
     * (square only) or {@code {"shortest_edge"}} with an optional {@code crop_pct} (ConvNeXt's scheme).
     */
    private static Preprocessing huggingFacePreprocessing(Path file, int imageSize, int channels) {
        if (!Files.exists(file)) return Preprocessing.huggingFace(imageSize, channels);
        JsonFields p = JsonFields.read(file);
        int size = imageSize;
        if (p.get("size") instanceof Long) {
            size = p.integer("size", imageSize);
        } else if (p.has("size")) {
            JsonFields s = p.object("size");
            if (s.has("shortest_edge")) {
                size = s.integer("shortest_edge", imageSize);
            } else {
                size = s.integer("height", imageSize);
                if (s.integer("width", size) != size) {
                    throw p.error(p.name("size") + " is not square; jvit's models take square images — set height = width");
                }
            }
        }
        int resample = p.integer("resample", 2);
        Interpolation interpolation = PIL_FILTERS.get(resample);
        if (interpolation == null) {
            String name = resample >= 0 && resample < PIL_FILTER_NAMES.size() ? " (" + PIL_FILTER_NAMES.get(resample) + ")" : "";
            throw p.error("resample " + resample + name + " is not supported; jvit resizes with 2 (BILINEAR) or 3 (BICUBIC)"
                    + " — set one of them");
        }
        float[] mean = p.floats("image_mean", filled(channels, 0.5f));
        float[] std = p.floats("image_std", filled(channels, 0.5f));
        if (mean.length != channels || std.length != channels) {
            throw p.error("image_mean and image_std have " + mean.length + " and " + std.length + " values but the model has "
                    + channels + " channels; give one per channel");
        }
        if (!p.bool("do_normalize", true)) {
            mean = filled(channels, 0f);
            std = filled(channels, 1f);
        }
        // jvit scales pixels by 1/255 before normalising; another rescale factor folds into mean and std.
        double rescale = p.bool("do_rescale", true) ? p.number("rescale_factor", 1.0 / 255) : 1.0;
        if (rescale != 1.0 / 255) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] = (float) (mean[i] / (255 * rescale));
                std[i] = (float) (std[i] / (255 * rescale));
            }
        }
        double cropPct = p.number("crop_pct", 1.0);
        int side = size;
        // BitImageProcessor's (Dinov2's): resize the shorter side to size, then center-crop crop_size.
        if (p.get("crop_size") != null && p.bool("do_center_crop", true)) {
            int crop = p.get("crop_size") instanceof Long ? p.integer("crop_size", size) : p.object("crop_size").integer("height", size);
            if (!(p.get("crop_size") instanceof Long) && p.object("crop_size").integer("width", crop) != crop) {
                throw p.error(p.name("crop_size") + " is not square; jvit's models take square images — set height = width");
            }
            if (p.has("size") && !(p.get("size") instanceof Long) && !p.object("size").has("shortest_edge")) {
                throw p.error(p.name("crop_size") + " with a size other than shortest_edge is not supported; give size {\"shortest_edge\": N}");
            }
            if (crop > size) throw p.error(p.name("crop_size") + " " + crop + " is larger than the resized side " + size + "; fix the file");
            cropPct = (double) crop / size;
            side = crop;
        }
        float[] m = mean, sd = std;
        double pct = cropPct;
        int cropped = side;
        return build(p, () -> new Preprocessing(cropped, pct, interpolation, m, sd));
    }

    private static ViTConfig timm(JsonFields c) {
        String architecture = c.string("architecture");
        // "vit_base_patch16_224.augreg2_in21k_ft_in1k": the tag after the dot names the weights, not the shape.
        String name = architecture.contains(".") ? architecture.substring(0, architecture.indexOf('.')) : architecture;
        ViTConfig preset = ViTPresets.find(name).orElseThrow(() -> c.error("architecture '" + architecture
                + "' is not one jvit knows; it knows " + String.join(", ", ViTPresets.names().stream()
                .filter(n -> n.contains("_patch")).toList())));
        // timm builds the architecture's registered model with model_args as keyword arguments over its defaults.
        JsonFields args = c.object("model_args");
        TIMM_MODEL_ARGS.check(args);
        String poolName = args.string("global_pool", c.string("global_pool", "token"));
        ViTConfig.Pool pool = TIMM_POOLS.get(poolName);
        if (pool == null) {
            throw c.error("global_pool '" + poolName + "' is not supported; jvit pools with \"token\", \"avg\", \"max\", \"avgmax\" or \"map\"");
        }
        // timm's rule: the final norm moves after pooling for avg, max and avgmax unless fc_norm says otherwise.
        boolean fcNorm = args.get("fc_norm") == null ? pool != ViTConfig.Pool.TOKEN && pool != ViTConfig.Pool.MAP : args.bool("fc_norm", false);
        String activationName = args.string("act_layer", null);
        Activation activation = activationName == null ? preset.activation() : TIMM_ACTIVATIONS.get(activationName);
        if (activation == null) {
            throw c.error(args.name("act_layer") + " '" + activationName + "' is not supported; jvit's MLP runs "
                    + String.join(", ", TIMM_ACTIVATIONS.keySet().stream().sorted().map(n -> "\"" + n + "\"").toList()));
        }
        String norm = args.string("norm_layer", "layernorm");
        if (!norm.equals("layernorm")) {
            throw c.error(args.name("norm_layer") + " '" + norm + "' is not supported; jvit's blocks use LayerNorm, \"layernorm\"");
        }
        JsonFields cfg = c.object("pretrained_cfg");
        int classes = classes(c, "num_classes", args.integer("num_classes",
                c.integer("num_classes", cfg.integer("num_classes", preset.numLabels()))));
        List<String> labels = c.has("label_names") ? c.strings("label_names") : ViTConfig.defaultLabels(classes);
        if (labels.size() != classes) {
            throw c.error("label_names has " + labels.size() + " names but num_classes is " + classes + "; give one name per class");
        }
        if (cfg.integer("label_offset", 0) != 0) {
            throw c.error(cfg.name("label_offset") + " is not 0: jvit numbers classes as the head does; drop the background class");
        }
        Preprocessing base = preset.preprocessing();
        int[] input = cfg.integers("input_size", new int[] {preset.channels(), preset.imageSize(), preset.imageSize()});
        if (input.length != 3 || input[1] != input[2]) {
            throw c.error(cfg.name("input_size") + " is " + Arrays.toString(input) + ", not [channels, side, side];"
                    + " jvit's models take square images");
        }
        int channels = args.integer("in_chans", input[0]);
        int imageSize = timmImageSize(args, input[1]);
        int hidden = args.integer("embed_dim", preset.hidden());
        int mlp = (int) (hidden * args.number("mlp_ratio", (double) preset.mlpDim() / preset.hidden()));
        String interpolationName = cfg.string("interpolation", base.interpolation().name().toLowerCase(Locale.ROOT));
        Interpolation interpolation = switch (interpolationName) {
            case "bicubic" -> Interpolation.BICUBIC;
            case "bilinear" -> Interpolation.BILINEAR;
            default -> throw c.error(cfg.name("interpolation") + " '" + interpolationName
                    + "' is not supported; jvit resizes with \"bicubic\" or \"bilinear\"");
        };
        double cropPct = cfg.number("crop_pct", base.cropPct());
        String cropMode = cfg.string("crop_mode", "center");
        // jvit's crop_pct 1 squashes the whole image to the square; timm's "squash" mode with a smaller crop_pct has no equivalent.
        if (!(cropMode.equals("center") || (cropMode.equals("squash") && cropPct == 1.0))) {
            throw c.error(cfg.name("crop_mode") + " '" + cropMode + "' with crop_pct " + cropPct
                    + " is not supported; jvit center-crops (\"center\"), or squashes with crop_pct 1.0");
        }
        float[] mean = perChannel(cfg, "mean", base.mean(), channels);
        float[] std = perChannel(cfg, "std", base.std(), channels);
        Preprocessing preprocessing = build(c, () -> new Preprocessing(imageSize, cropPct, interpolation, mean, std));
        return build(c, () -> ViTConfig.builder().imageSize(imageSize)
                .patchSize(args.integer("patch_size", preset.patchSize())).channels(channels).hidden(hidden)
                .layers(args.integer("depth", preset.layers())).heads(args.integer("num_heads", preset.heads())).mlpDim(mlp)
                .layerNormEps(preset.layerNormEps()).qkvBias(args.bool("qkv_bias", preset.qkvBias())).labels(labels)
                .preprocessing(preprocessing).layerScale(args.number("init_values", 0))
                .resampling(ViTConfig.PositionResampling.TIMM)
                .classToken(args.bool("class_token", preset.classToken())).regTokens(args.integer("reg_tokens", preset.regTokens()))
                .noEmbedClass(args.bool("no_embed_class", preset.noEmbedClass()))
                .distilled(preset.distilled()).pool(pool).fcNorm(fcNorm).activation(activation)
                .preNorm(args.bool("pre_norm", preset.preNorm())).qkNorm(args.bool("qk_norm", preset.qkNorm()))
                .dynamicImageSize(args.bool("dynamic_img_size", preset.dynamicImageSize())).build());
    }

    /**
     * One value per channel; a model made with another {@code in_chans} than its pretrained config
     * keeps that config's list, which serves when all its values are the same (0.5 for every channel).
     */
    private static float[] perChannel(JsonFields cfg, String key, float[] fallback, int channels) {
        float[] values = cfg.floats(key, fallback);
        if (values.length == channels) return values;
        boolean same = values.length > 0;
        for (float v : values) same &= v == values[0];
        if (!same) {
            throw cfg.error(cfg.name(key) + " has " + values.length + " values but the input has " + channels
                    + " channels; give one per channel");
        }
        return filled(channels, values[0]);
    }

    /** {@code model_args.img_size}, a side or a square {@code [height, width]}, else the pretrained input size. */
    private static int timmImageSize(JsonFields args, int inputSize) {
        if (!args.has("img_size") || args.get("img_size") instanceof Long) return args.integer("img_size", inputSize);
        int[] size = args.integers("img_size", null);
        if (size.length != 2 || size[0] != size[1]) {
            throw args.error(args.name("img_size") + " is " + Arrays.toString(size) + ", not a side or [side, side];"
                    + " jvit's models take square images");
        }
        return size[0];
    }

    /** Runs a record's constructor; its validation message becomes a {@link UserError} naming the file. */
    private static <T> T build(JsonFields file, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw file.error(e.getMessage() + "; fix the file");
        }
    }

    private static int classes(JsonFields c, String key, int classes) {
        if (classes < 1) throw c.error(c.name(key) + " is " + classes + "; a classifier needs at least one class");
        return classes;
    }

    private static float[] filled(int n, float value) {
        float[] values = new float[n];
        Arrays.fill(values, value);
        return values;
    }
}
