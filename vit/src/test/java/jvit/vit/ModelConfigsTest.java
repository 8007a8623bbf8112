package jvit.vit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jvit.kernels.Op.Activation;
import jvit.runtime.UserError;
import jvit.vit.image.Preprocessing;
import jvit.vit.image.Preprocessing.Interpolation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigsTest {
    /** google/vit-base-patch16-224's config.json, with id2label cut to three classes. */
    private static final String HF_CONFIG = """
            {
              "_name_or_path": "google/vit-base-patch16-224",
              "architectures": ["ViTForImageClassification"],
              "attention_probs_dropout_prob": 0.0,
              "encoder_stride": 16,
              "hidden_act": "gelu",
              "hidden_dropout_prob": 0.0,
              "hidden_size": 768,
              "id2label": {"0": "tench, Tinca tinca", "1": "goldfish, Carassius auratus", "2": "great white shark"},
              "image_size": 224,
              "initializer_range": 0.02,
              "intermediate_size": 3072,
              "label2id": {"tench, Tinca tinca": 0, "goldfish, Carassius auratus": 1, "great white shark": 2},
              "layer_norm_eps": 1e-12,
              "model_type": "vit",
              "num_attention_heads": 12,
              "num_channels": 3,
              "num_hidden_layers": 12,
              "patch_size": 16,
              "qkv_bias": true,
              "torch_dtype": "float32",
              "transformers_version": "4.26.0.dev0"
            }
            """;

    private static final String HF_PREPROCESSOR = """
            {
              "do_normalize": true,
              "do_rescale": true,
              "do_resize": true,
              "image_mean": [0.5, 0.5, 0.5],
              "image_processor_type": "ViTImageProcessor",
              "image_std": [0.5, 0.5, 0.5],
              "resample": 2,
              "rescale_factor": 0.00392156862745098,
              "size": {"height": 224, "width": 224}
            }
            """;

    /** timm/vit_base_patch16_224.augreg2_in21k_ft_in1k's config.json. */
    private static final String TIMM_CONFIG = """
            {
                "architecture": "vit_base_patch16_224",
                "num_classes": 1000,
                "num_features": 768,
                "global_pool": "token",
                "pretrained_cfg": {
                    "tag": "augreg2_in21k_ft_in1k",
                    "custom_load": false,
                    "input_size": [3, 224, 224],
                    "fixed_input_size": true,
                    "interpolation": "bicubic",
                    "crop_pct": 0.9,
                    "crop_mode": "center",
                    "mean": [0.5, 0.5, 0.5],
                    "std": [0.5, 0.5, 0.5],
                    "num_classes": 1000,
                    "pool_size": null,
                    "first_conv": "patch_embed.proj",
                    "classifier": "head"
                }
            }
            """;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private Path config(String text) throws IOException {
        return write("config.json", text);
    }

    private static String problem(Path file, Runnable action) {
        String message = assertThrows(UserError.class, action::run).getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        assertFalse(message.contains("\n"), message);
        return message.substring(file.toString().length() + 2);
    }

    @Test
    void readsAHuggingFaceConfigAndItsPreprocessor() throws IOException {
        Path config = config(HF_CONFIG);
        write("preprocessor_config.json", HF_PREPROCESSOR);
        ViTConfig c = ModelConfigs.huggingFace(config);
        assertEquals(List.of("tench, Tinca tinca", "goldfish, Carassius auratus", "great white shark"), c.labels());
        assertEquals(224, c.imageSize());
        assertEquals(16, c.patchSize());
        assertEquals(3, c.channels());
        assertEquals(768, c.hidden());
        assertEquals(12, c.layers());
        assertEquals(12, c.heads());
        assertEquals(3072, c.mlpDim());
        assertEquals(1e-12, c.layerNormEps());
        assertTrue(c.qkvBias());
        assertEquals(Preprocessing.huggingFace(224, 3), c.preprocessing());
        assertEquals(c, ModelConfigs.read(config));
    }

    @Test
    void withoutAPreprocessorTakesHuggingFacesDefaults() throws IOException {
        ViTConfig c = ModelConfigs.huggingFace(config("{\"model_type\": \"vit\", \"image_size\": 28, \"patch_size\": 7,"
                + " \"num_channels\": 1, \"num_labels\": 10, \"qkv_bias\": false, \"hidden_size\": 64, \"num_attention_heads\": 4}"));
        assertEquals(Preprocessing.huggingFace(28, 1), c.preprocessing());
        assertEquals(ViTConfig.defaultLabels(10), c.labels());
        assertEquals(64, c.hidden());
        assertEquals(3072, c.mlpDim());
        assertFalse(c.qkvBias());

        ViTConfig defaults = ModelConfigs.huggingFace(config("{\"model_type\": \"vit\", \"num_attention_heads\": 12}"));
        assertEquals(List.of("LABEL_0", "LABEL_1"), defaults.labels());
        assertEquals(224, defaults.imageSize());
        assertEquals(1e-12, defaults.layerNormEps());
    }

    @Test
    void readsOtherImageProcessorSettings() throws IOException {
        Path config = config(HF_CONFIG);
        write("preprocessor_config.json", """
                {"size": {"shortest_edge": 224}, "crop_pct": 0.875, "resample": 3,
                 "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]}""");
        assertEquals(new Preprocessing(224, 0.875, Interpolation.BICUBIC, Preprocessing.IMAGENET_MEAN, Preprocessing.IMAGENET_STD),
                ModelConfigs.huggingFace(config).preprocessing());

        write("preprocessor_config.json", "{\"size\": 256, \"do_normalize\": false}");
        assertEquals(new Preprocessing(256, 1.0, Interpolation.BILINEAR, new float[] {0, 0, 0}, new float[] {1, 1, 1}),
                ModelConfigs.huggingFace(config).preprocessing());

        // Without rescaling pixels stay in 0..255: mean 127.5 and std 127.5 then mean what 0.5 and 0.5 mean after it.
        write("preprocessor_config.json", "{\"do_rescale\": false, \"image_mean\": [127.5, 127.5, 127.5], \"image_std\": [127.5, 127.5, 127.5]}");
        assertEquals(Preprocessing.huggingFace(224, 3), ModelConfigs.huggingFace(config).preprocessing());
    }

    @Test
    void refusesWhatJvitCannotRun() throws IOException {
        Path config = config(HF_CONFIG.replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"gelu_fast\""));
        assertEquals("hidden_act 'gelu_fast' is not supported; jvit's MLP runs \"gelu\", \"gelu_new\", \"gelu_pytorch_tanh\", \"quick_gelu\"",
                problem(config, () -> ModelConfigs.huggingFace(config)));
        config(HF_CONFIG.replace("\"image_size\": 224", "\"image_size\": [224, 160]"));
        assertEquals("\"image_size\" is [224, 160], not a side or [side, side]; jvit runs square images only — give a square size",
                problem(config, () -> ModelConfigs.huggingFace(config)));
        config(HF_CONFIG.replace("\"model_type\": \"vit\"", "\"model_type\": \"beit\""));
        assertEquals("model_type 'beit' is not supported; jvit runs ViTForImageClassification (model_type \"vit\"),"
                + " DeiTForImageClassification and DeiTForImageClassificationWithTeacher (\"deit\") and Dinov2ForImageClassification"
                + " (\"dinov2\")", problem(config, () -> ModelConfigs.read(config)));
        config(HF_CONFIG.replace("\"model_type\": \"vit\"", "\"model_type\": \"deit\"")
                .replace("ViTForImageClassification", "DeiTForImageClassificationWithDistillation"));
        assertEquals("architectures [DeiTForImageClassificationWithDistillation] is not supported; jvit runs"
                + " DeiTForImageClassificationWithTeacher and DeiTForImageClassification for model_type 'deit'",
                problem(config, () -> ModelConfigs.read(config)));
        config(HF_CONFIG.replace("\"hidden_size\": 768", "\"hidden_size\": 100"));
        assertEquals("hidden_size 100 is not divisible by num_attention_heads 12; fix the file",
                problem(config, () -> ModelConfigs.huggingFace(config)));
        config(HF_CONFIG.replace("\"hidden_size\": 768", "\"hidden_size\": \"768\""));
        assertEquals("\"hidden_size\" is \"768\", not an integer; fix the file", problem(config, () -> ModelConfigs.huggingFace(config)));
        config(HF_CONFIG.replace("\"2\": \"great", "\"3\": \"great"));
        assertEquals("id2label key \"3\" is not a class number from 0 to 2; fix the file", problem(config, () -> ModelConfigs.huggingFace(config)));
        config("{\"model_type\": \"vit\", \"num_attention_heads\": 12, \"num_labels\": 0}");
        assertEquals("\"num_labels\" is 0; a classifier needs at least one class", problem(config, () -> ModelConfigs.huggingFace(config)));
        config(HF_CONFIG.replace("\"patch_size\": 16", "\"patch_size\": 15"));
        assertEquals("image_size 224 is not a multiple of patch_size 15; fix the file", problem(config, () -> ModelConfigs.huggingFace(config)));
    }

    @Test
    void refusesHuggingFaceFieldsThatWouldChangeTheOutput() throws IOException {
        Path config = config(HF_CONFIG.replace("  \"num_attention_heads\": 12,\n", ""));
        assertEquals("has no \"num_attention_heads\"; the checkpoint cannot tell how many heads the model has — add the field",
                problem(config, () -> ModelConfigs.read(config)));
        config(HF_CONFIG.replace("\"qkv_bias\": true", "\"qkv_bias\": true, \"use_swiglu_ffn\": true"));
        assertEquals("\"use_swiglu_ffn\" is not a field jvit knows in a Hugging Face ViT config, so it cannot tell whether it"
                + " changes the model's output and refuses it; remove the field if it does not", problem(config, () -> ModelConfigs.read(config)));
        config(HF_CONFIG.replace("\"qkv_bias\": true", "\"qkv_bias\": true, \"pruned_heads\": {\"0\": [1]}"));
        assertEquals("\"pruned_heads\" is {\"0\":[1]}: jvit does not implement pruned attention heads, so it refuses the model rather"
                + " than run it wrong", problem(config, () -> ModelConfigs.read(config)));
        config(HF_CONFIG.replace("\"ViTForImageClassification\"", "\"ViTForMaskedImageModeling\""));
        assertEquals("architectures [ViTForMaskedImageModeling] is not supported; jvit runs ViTForImageClassification",
                problem(config, () -> ModelConfigs.read(config)));
        // What only training or bookkeeping reads is accepted, as transformers 5 writes it.
        config(HF_CONFIG.replace("\"qkv_bias\": true", "\"qkv_bias\": true, \"pruned_heads\": {}, \"dtype\": \"float32\","
                + " \"pooler_act\": \"tanh\", \"pooler_output_size\": 768, \"problem_type\": \"single_label_classification\""));
        assertEquals(12, ModelConfigs.read(config).heads());
    }

    @Test
    void refusesBadPreprocessorSettings() throws IOException {
        Path config = config(HF_CONFIG);
        Path preprocessor = write("preprocessor_config.json", HF_PREPROCESSOR.replace("\"resample\": 2", "\"resample\": 1"));
        assertEquals("resample 1 (LANCZOS) is not supported; jvit resizes with 2 (BILINEAR) or 3 (BICUBIC) — set one of them",
                problem(preprocessor, () -> ModelConfigs.huggingFace(config)));
        write("preprocessor_config.json", HF_PREPROCESSOR.replace("\"width\": 224", "\"width\": 240"));
        assertEquals("\"size\" is not square; jvit's models take square images — set height = width",
                problem(preprocessor, () -> ModelConfigs.huggingFace(config)));
        write("preprocessor_config.json", "{\"image_mean\": [0.5], \"image_std\": [0.5]}");
        assertEquals("image_mean and image_std have 1 and 1 values but the model has 3 channels; give one per channel",
                problem(preprocessor, () -> ModelConfigs.huggingFace(config)));
        write("preprocessor_config.json", "{\"crop_pct\": 1.5}");
        assertEquals("crop_pct must be in (0, 1], got 1.5; fix the file", problem(preprocessor, () -> ModelConfigs.huggingFace(config)));
        write("preprocessor_config.json", "{\"size\": {\"height\": 224,}}");
        assertEquals("invalid JSON at 1:25: Unexpected character ('}' (code 125)): was expecting double-quote to start property name; fix the file or export it again",
                problem(preprocessor, () -> ModelConfigs.huggingFace(config)));
    }

    @Test
    void readsATimmHubConfig() throws IOException {
        Path config = config(TIMM_CONFIG);
        ViTConfig c = ModelConfigs.timm(config);
        assertEquals(ViTPresets.get("vit_base_patch16_224"), c);
        assertEquals(c, ModelConfigs.read(config));

        config(TIMM_CONFIG.replace("\"vit_base_patch16_224\"", "\"vit_small_patch32_224.augreg_in21k_ft_in1k\"")
                .replace("\"num_classes\": 1000,\n    \"num_features\"", "\"num_classes\": 2, \"label_names\": [\"cat\", \"dog\"],\n    \"num_features\"")
                .replace("[3, 224, 224]", "[3, 384, 384]").replace("\"bicubic\"", "\"bilinear\"").replace("0.9", "0.875")
                .replace("\"mean\": [0.5, 0.5, 0.5]", "\"mean\": [0.485, 0.456, 0.406]")
                .replace("\"std\": [0.5, 0.5, 0.5]", "\"std\": [0.229, 0.224, 0.225]"));
        ViTConfig small = ModelConfigs.read(config);
        assertEquals(List.of("cat", "dog"), small.labels());
        assertEquals(384, small.imageSize());
        assertEquals(32, small.patchSize());
        assertEquals(384, small.hidden());
        assertEquals(1e-6, small.layerNormEps());
        assertEquals(new Preprocessing(384, 0.875, Interpolation.BILINEAR, Preprocessing.IMAGENET_MEAN, Preprocessing.IMAGENET_STD),
                small.preprocessing());

        ViTConfig minimal = ModelConfigs.read(config("{\"architecture\": \"vit_tiny_patch16_384\", \"num_classes\": 10}"));
        assertEquals(ViTPresets.get("ViT-Ti/16-384").withClasses(10), minimal);
    }

    @Test
    void refusesTimmConfigsJvitCannotRun() throws IOException {
        Path config = config(TIMM_CONFIG.replace("vit_base_patch16_224", "vit_huge_patch14_clip_224"));
        assertTrue(problem(config, () -> ModelConfigs.timm(config)).startsWith(
                "architecture 'vit_huge_patch14_clip_224' is not one jvit knows; it knows vit_tiny_patch16_224, vit_tiny_patch16_384,"));
        config(TIMM_CONFIG.replace("\"global_pool\": \"token\"", "\"global_pool\": \"prr\""));
        assertEquals("global_pool 'prr' is not supported; jvit pools with \"token\", \"avg\", \"max\", \"avgmax\" or \"map\"",
                problem(config, () -> ModelConfigs.timm(config)));
        config(TIMM_CONFIG.replace("\"crop_mode\": \"center\"", "\"crop_mode\": \"squash\""));
        assertEquals("\"pretrained_cfg.crop_mode\" 'squash' with crop_pct 0.9 is not supported; jvit center-crops (\"center\"),"
                + " or squashes with crop_pct 1.0", problem(config, () -> ModelConfigs.timm(config)));
        config(TIMM_CONFIG.replace("[3, 224, 224]", "[3, 224, 256]"));
        assertEquals("\"pretrained_cfg.input_size\" is [3, 224, 256], not [channels, side, side]; jvit's models take square images",
                problem(config, () -> ModelConfigs.timm(config)));
        config(TIMM_CONFIG.replace("\"bicubic\"", "\"lanczos\""));
        assertEquals("\"pretrained_cfg.interpolation\" 'lanczos' is not supported; jvit resizes with \"bicubic\" or \"bilinear\"",
                problem(config, () -> ModelConfigs.timm(config)));
        config(TIMM_CONFIG.replace("\"crop_pct\": 0.9", "\"crop_pct\": \"0.9\""));
        assertEquals("\"pretrained_cfg.crop_pct\" is \"0.9\", not a number; fix the file", problem(config, () -> ModelConfigs.timm(config)));
        config("{\"architecture\": \"vit_base_patch16_224\", \"num_classes\": 3, \"label_names\": [\"a\", \"b\"]}");
        assertEquals("label_names has 2 names but num_classes is 3; give one name per class", problem(config, () -> ModelConfigs.timm(config)));
    }

    @Test
    void readsTheActivationsNormsAndDynamicSizes() throws IOException {
        Path config = config(HF_CONFIG.replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"gelu_pytorch_tanh\"")
                .replace("\"image_size\": 224", "\"image_size\": [384, 384]"));
        ViTConfig hf = ModelConfigs.huggingFace(config);
        assertEquals(Activation.GELU_TANH, hf.activation());
        assertEquals(384, hf.imageSize());
        config(HF_CONFIG.replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"quick_gelu\""));
        assertEquals(Activation.QUICK_GELU, ModelConfigs.huggingFace(config).activation());

        config(TIMM_CONFIG.replace("\"global_pool\": \"token\",", "\"global_pool\": \"token\", \"model_args\": {\"act_layer\": \"gelu_tanh\","
                + " \"pre_norm\": true, \"qk_norm\": true, \"dynamic_img_size\": true},"));
        ViTConfig timm = ModelConfigs.read(config);
        assertEquals(ViTPresets.get("vit_base_patch16_224").toBuilder().activation(Activation.GELU_TANH).preNorm(true).qkNorm(true)
                .dynamicImageSize(true).labels(timm.labels()).build(), timm);

        // CLIP's towers: the architecture alone says pre-norm, PyTorch's LayerNorm epsilon, quick GELU for _quickgelu_.
        config(TIMM_CONFIG.replace("vit_base_patch16_224", "vit_base_patch32_clip_quickgelu_224"));
        ViTConfig clip = ModelConfigs.read(config);
        assertTrue(clip.preNorm() && !clip.qkNorm() && !clip.dynamicImageSize());
        assertEquals(Activation.QUICK_GELU, clip.activation());
        assertEquals(1e-5, clip.layerNormEps());
        assertEquals(32, clip.patchSize());
        config(TIMM_CONFIG.replace("vit_base_patch16_224", "vit_base_patch16_clip_224")
                .replace("\"global_pool\": \"token\",", "\"global_pool\": \"token\", \"model_args\": {\"pre_norm\": false},"));
        ViTConfig unnormed = ModelConfigs.read(config);
        assertFalse(unnormed.preNorm());
        assertEquals(Activation.GELU, unnormed.activation());
    }

    @Test
    void readsTimmModelArgsOverTheArchitecture() throws IOException {
        Path config = config(TIMM_CONFIG.replace("\"global_pool\": \"token\",", "\"global_pool\": \"token\", \"model_args\": {\"img_size\": [32, 32],"
                + " \"patch_size\": 8, \"embed_dim\": 48, \"depth\": 2, \"num_heads\": 4, \"mlp_ratio\": 2.5, \"qkv_bias\": false,"
                + " \"num_classes\": 5, \"in_chans\": 1, \"drop_path_rate\": 0.1, \"act_layer\": \"gelu\", \"init_values\": 0.1},")
                .replace("\"mean\": [0.5, 0.5, 0.5]", "\"mean\": [0.5]").replace("\"std\": [0.5, 0.5, 0.5]", "\"std\": [0.5]"));
        ViTConfig c = ModelConfigs.read(config);
        assertEquals(ViTConfig.builder().imageSize(32).patchSize(8).channels(1).hidden(48).layers(2).heads(4).mlpDim(120)
                .layerNormEps(1e-6).qkvBias(false).labels(ViTConfig.defaultLabels(5))
                .preprocessing(new Preprocessing(32, 0.9, Interpolation.BICUBIC, new float[] {0.5f}, new float[] {0.5f}))
                .layerScale(0.1).resampling(ViTConfig.PositionResampling.TIMM).build(), c);
    }

    /** timm's rule: fc_norm, when not given, is on for avg, max and avgmax pooling and off for the class token. */
    @Test
    void readsTimmPoolingAndWhereTheFinalNormGoes() throws IOException {
        String[][] cases = {{"\"global_pool\": \"avg\"", "AVG", "true"}, {"\"global_pool\": \"avg\", \"fc_norm\": false", "AVG", "false"},
                {"\"global_pool\": \"max\", \"fc_norm\": null", "MAX", "true"}, {"\"global_pool\": \"avgmax\"", "AVGMAX", "true"},
                {"\"fc_norm\": true", "TOKEN", "true"}, {"\"global_pool\": \"map\"", "MAP", "false"}, {"\"global_pool\": \"token\", \"fc_norm\": false", "TOKEN", "false"}};
        for (String[] c : cases) {
            ViTConfig config = ModelConfigs.read(config(TIMM_CONFIG.replace("\"global_pool\": \"token\",",
                    "\"global_pool\": \"token\", \"model_args\": {" + c[0] + "},")));
            assertEquals(ViTConfig.Pool.valueOf(c[1]), config.pool(), c[0]);
            assertEquals(Boolean.parseBoolean(c[2]), config.fcNorm(), c[0]);
        }
    }

    /** Dinov2: LayerScale at layerscale_value, MLP hidden × mlp_ratio, the classifier on [class token, mean], run at its processor's crop. */
    @Test
    void readsHuggingFaceDinov2() throws IOException {
        String dinov2 = """
                {"architectures": ["Dinov2ForImageClassification"], "model_type": "dinov2", "hidden_size": 48, "num_hidden_layers": 2,
                 "num_attention_heads": 3, "mlp_ratio": 2.5, "image_size": 518, "patch_size": 14, "layerscale_value": 1.0,
                 "use_swiglu_ffn": false, "use_mask_token": true, "apply_layernorm": true, "out_features": ["stage2"],
                 "out_indices": [2], "stage_names": ["stem", "stage1", "stage2"], "drop_path_rate": 0.1, "num_labels": 4}""";
        Path config = config(dinov2);
        ViTConfig plain = ModelConfigs.read(config);
        assertEquals(518, plain.imageSize());
        assertEquals(120, plain.mlpDim());
        assertEquals(1e-6, plain.layerNormEps());
        assertEquals(ViTConfig.Pool.CLASS_AND_AVG, plain.pool());
        assertTrue(plain.hasLayerScale());
        assertEquals(96, plain.headInputs());
        write("preprocessor_config.json", """
                {"crop_size": {"height": 224, "width": 224}, "do_center_crop": true, "image_mean": [0.485, 0.456, 0.406],
                 "image_std": [0.229, 0.224, 0.225], "resample": 3, "size": {"shortest_edge": 256}}""");
        ViTConfig cropped = ModelConfigs.read(config);
        assertEquals(224, cropped.imageSize());
        assertEquals(new Preprocessing(224, 224 / 256.0, Interpolation.BICUBIC, Preprocessing.IMAGENET_MEAN, Preprocessing.IMAGENET_STD),
                cropped.preprocessing());

        Path processor = write("preprocessor_config.json", "{\"crop_size\": {\"height\": 224, \"width\": 200}, \"size\": {\"shortest_edge\": 256}}");
        assertEquals("\"crop_size\" is not square; jvit's models take square images — set height = width",
                problem(processor, () -> ModelConfigs.read(config)));
        write("preprocessor_config.json", "{\"crop_size\": 300, \"size\": {\"shortest_edge\": 256}}");
        assertEquals("\"crop_size\" 300 is larger than the resized side 256; fix the file", problem(processor, () -> ModelConfigs.read(config)));
        write("preprocessor_config.json", "{\"crop_size\": 224, \"size\": {\"height\": 256, \"width\": 256}}");
        assertTrue(problem(processor, () -> ModelConfigs.read(config)).startsWith("\"crop_size\" with a size other than shortest_edge"));
        java.nio.file.Files.delete(processor);
        config(dinov2.replace("\"layerscale_value\": 1.0", "\"layerscale_value\": 0"));
        assertTrue(problem(config, () -> ModelConfigs.read(config)).startsWith("\"layerscale_value\" is 0"));
        config(dinov2.replace("\"use_swiglu_ffn\": false", "\"use_swiglu_ffn\": true"));
        assertTrue(problem(config, () -> ModelConfigs.read(config)).startsWith(
                "\"use_swiglu_ffn\" is true: jvit does not implement Dinov2's SwiGLU MLP"), problem(config, () -> ModelConfigs.read(config)));
        config(dinov2.replace("Dinov2ForImageClassification", "Dinov2Model"));
        assertTrue(problem(config, () -> ModelConfigs.read(config)).contains("Dinov2ForImageClassification"));
    }

    @Test
    void readsPrefixTokensAndDistillation() throws IOException {
        Path config = config(TIMM_CONFIG.replace("\"global_pool\": \"token\",",
                "\"global_pool\": \"token\", \"model_args\": {\"reg_tokens\": 4, \"no_embed_class\": true},"));
        ViTConfig c = ModelConfigs.read(config);
        assertEquals(List.of(4, true, false, 5, 196), List.of(c.regTokens(), c.noEmbedClass(), c.distilled(), c.prefixTokens(),
                c.positionTokens()));

        config(TIMM_CONFIG.replace("vit_base_patch16_224", "deit_small_distilled_patch16_224"));
        c = ModelConfigs.read(config);
        assertEquals(List.of(384, 6, true, 2, 198), List.of(c.hidden(), c.heads(), c.distilled(), c.prefixTokens(), c.tokens()));
        config(TIMM_CONFIG.replace("vit_base_patch16_224", "deit_small_distilled_patch16_224")
                .replace("\"global_pool\": \"token\",", "\"global_pool\": \"token\", \"model_args\": {\"reg_tokens\": 2},"));
        assertTrue(problem(config, () -> ModelConfigs.read(config)).startsWith("a distilled (DeiT) model has neither register tokens"));

        // No class token: the registers, if any, then the patches, positions on all of them unless no_embed_class.
        config(TIMM_CONFIG.replace("\"global_pool\": \"token\",", "\"model_args\": {\"class_token\": false, \"global_pool\": \"avg\"},"));
        c = ModelConfigs.read(config);
        assertEquals(List.of(false, 0, 196, 196, ViTConfig.Pool.AVG, true), List.of(c.classToken(), c.prefixTokens(), c.tokens(),
                c.positionTokens(), c.pool(), c.fcNorm()));
        config(TIMM_CONFIG.replace("\"global_pool\": \"token\",",
                "\"model_args\": {\"class_token\": false, \"reg_tokens\": 4, \"global_pool\": \"map\"},"));
        c = ModelConfigs.read(config);
        assertEquals(List.of(false, 4, 200, 200, ViTConfig.Pool.MAP), List.of(c.classToken(), c.prefixTokens(), c.tokens(),
                c.positionTokens(), c.pool()));
        config(TIMM_CONFIG.replace("vit_base_patch16_224", "deit_small_distilled_patch16_224")
                .replace("\"global_pool\": \"token\",", "\"global_pool\": \"token\", \"model_args\": {\"class_token\": false},"));
        assertTrue(problem(config, () -> ModelConfigs.read(config)).startsWith("a model without a class token"));

        config(HF_CONFIG.replace("\"model_type\": \"vit\"", "\"model_type\": \"deit\"")
                .replace("ViTForImageClassification", "DeiTForImageClassificationWithTeacher"));
        c = ModelConfigs.read(config);
        assertEquals(List.of(true, 2, ViTConfig.PositionResampling.HUGGING_FACE), List.of(c.distilled(), c.prefixTokens(), c.resampling()));
        // The plain DeiT: its distillation token, one head on the class token.
        config(HF_CONFIG.replace("\"model_type\": \"vit\"", "\"model_type\": \"deit\"")
                .replace("ViTForImageClassification", "DeiTForImageClassification"));
        c = ModelConfigs.read(config);
        assertEquals(List.of(false, 1, false, 2, 198), List.of(c.distilled(), c.regTokens(), c.noEmbedClass(), c.prefixTokens(),
                c.positionTokens()));
    }

    @Test
    void refusesTimmSwitchesJvitDoesNotImplement() throws IOException {
        String[][] cases = {
                {"\"class_token\": false", "a model without a class token (class_token false) classifies from pooled tokens:"
                        + " global_pool \"avg\", \"max\", \"avgmax\" or \"map\", not \"token\"; fix the file"},
                {"\"act_layer\": \"swish\"", "\"model_args.act_layer\" 'swish' is not supported; jvit's MLP runs \"gelu\", \"gelu_tanh\", \"quick_gelu\""},
                {"\"global_pool\": \"prr\"", "global_pool 'prr' is not supported"},
                {"\"global_pool\": \"\"", "global_pool '' is not supported"},
                {"\"layer_scale\": 1", "\"model_args.layer_scale\" is not a field jvit knows in timm's model_args"},
        };
        for (String[] c : cases) {
            Path config = config(TIMM_CONFIG.replace("\"global_pool\": \"token\",", "\"global_pool\": \"token\", \"model_args\": {" + c[0] + "},"));
            String problem = problem(config, () -> ModelConfigs.read(config));
            assertTrue(problem.startsWith(c[1]), c[0] + ": " + problem);
        }
    }

    @Test
    void readRefusesFilesOfNeitherKind() throws IOException {
        Path config = config("{\"name\": \"resnet\"}");
        assertEquals("is neither a Hugging Face config (no \"model_type\") nor a timm one (no \"architecture\"); give the model's config.json",
                problem(config, () -> ModelConfigs.read(config)));
        config("[1, 2]");
        assertEquals("holds [1,2], not a JSON object; check that this is the right file", problem(config, () -> ModelConfigs.read(config)));
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, ModelConfigs.read(config(TIMM_CONFIG)).preprocessing().std());
    }
}
