package jvit.vit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import jvit.vit.image.Preprocessing;
import jvit.vit.image.Preprocessing.Interpolation;
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

    private ModelConfigs() {}

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
        if (!type.equals("vit")) {
            throw c.error("model_type '" + type + "' is not supported; jvit runs ViTForImageClassification (model_type \"vit\")");
        }
        String activation = c.string("hidden_act", "gelu");
        if (!activation.equals("gelu")) {
            throw c.error("hidden_act '" + activation + "' is not supported; jvit's MLP uses the exact (erf) GELU, \"gelu\"");
        }
        int imageSize = c.integer("image_size", 224);
        int channels = c.integer("num_channels", 3);
        if (channels < 1) throw c.error(c.name("num_channels") + " is " + channels + "; an image has at least one channel — fix the file");
        Preprocessing preprocessing = build(c, () -> huggingFacePreprocessing(c.file().resolveSibling("preprocessor_config.json"), imageSize, channels));
        List<String> labels = huggingFaceLabels(c);
        return build(c, () -> new ViTConfig(imageSize, c.integer("patch_size", 16), channels, c.integer("hidden_size", 768),
                c.integer("num_hidden_layers", 12), c.integer("num_attention_heads", 12), c.integer("intermediate_size", 3072),
                c.number("layer_norm_eps", 1e-12), c.bool("qkv_bias", true), labels, preprocessing));
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
        float[] m = mean, sd = std;
        int side = size;
        return build(p, () -> new Preprocessing(side, cropPct, interpolation, m, sd));
    }

    private static ViTConfig timm(JsonFields c) {
        String architecture = c.string("architecture");
        // "vit_base_patch16_224.augreg2_in21k_ft_in1k": the tag after the dot names the weights, not the shape.
        String name = architecture.contains(".") ? architecture.substring(0, architecture.indexOf('.')) : architecture;
        ViTConfig preset = ViTPresets.find(name).orElseThrow(() -> c.error("architecture '" + architecture
                + "' is not one jvit knows; it knows " + String.join(", ", ViTPresets.names().stream()
                .filter(n -> n.startsWith("vit_")).toList())));
        String pool = c.string("global_pool", "token");
        if (!pool.equals("token")) {
            throw c.error("global_pool '" + pool + "' is not supported; jvit classifies from the class token (\"token\")");
        }
        JsonFields cfg = c.object("pretrained_cfg");
        int classes = classes(c, "num_classes", c.integer("num_classes", cfg.integer("num_classes", preset.numLabels())));
        List<String> labels = c.has("label_names") ? c.strings("label_names") : ViTConfig.defaultLabels(classes);
        if (labels.size() != classes) {
            throw c.error("label_names has " + labels.size() + " names but num_classes is " + classes + "; give one name per class");
        }
        Preprocessing base = preset.preprocessing();
        int[] input = cfg.integers("input_size", new int[] {preset.channels(), preset.imageSize(), preset.imageSize()});
        if (input.length != 3 || input[1] != input[2]) {
            throw c.error(cfg.name("input_size") + " is " + Arrays.toString(input) + ", not [channels, side, side];"
                    + " jvit's models take square images");
        }
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
        float[] mean = cfg.floats("mean", base.mean());
        float[] std = cfg.floats("std", base.std());
        if (mean.length != input[0]) {
            throw c.error(cfg.name("mean") + " has " + mean.length + " values but the input has " + input[0]
                    + " channels; give one per channel");
        }
        Preprocessing preprocessing = build(c, () -> new Preprocessing(input[1], cropPct, interpolation, mean, std));
        return build(c, () -> new ViTConfig(input[1], preset.patchSize(), input[0], preset.hidden(), preset.layers(),
                preset.heads(), preset.mlpDim(), preset.layerNormEps(), preset.qkvBias(), labels, preprocessing));
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
