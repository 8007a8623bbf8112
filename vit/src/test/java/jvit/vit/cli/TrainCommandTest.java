package jvit.vit.cli;

import static jvit.vit.cli.CliTest.vit;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jvit.vit.data.FashionMnist;
import jvit.vit.data.IdxFiles;
import jvit.vit.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vit train} in process on a tiny synthetic dataset: what it writes, and its one-line failures. */
class TrainCommandTest {
    @TempDir
    Path dir;

    /** A tiny run's arguments; options in {@code more} replace the defaults of the same name. */
    private String[] train(Path data, Path out, String... more) {
        List<String> defaults = List.of("--epochs", "2", "--batch", "8", "--validation", "16", "--patch", "7", "--hidden", "8",
                "--layers", "1", "--heads", "2", "--mlp", "16", "--checkpoint-every", "2");
        List<String> given = List.of(more);
        List<String> args = new java.util.ArrayList<>(List.of("train", "--dataset", "fashion-mnist", "--data-dir", data.toString(),
                "--out", out.toString()));
        for (int i = 0; i < defaults.size(); i += 2)
            if (!given.contains(defaults.get(i))) args.addAll(defaults.subList(i, i + 2));
        args.addAll(given);
        return args.toArray(String[]::new);
    }

    @Test
    void aRunWritesAModelTheOtherCommandsUse() throws IOException {
        Path data = IdxFiles.write(dir.resolve("data"), FashionMnist.Split.TRAIN, 48, true);
        IdxFiles.write(data, FashionMnist.Split.TEST, 20, true);
        Path out = dir.resolve("out");
        CliTest.Result r = vit(train(data, out));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("epoch 2/2: train loss"), r.out());
        for (String file : List.of("model.safetensors", "config.json", "preprocessor_config.json", "metrics.jsonl", "training.png",
                "checkpoint.safetensors"))
            assertTrue(Files.isRegularFile(out.resolve(file)), file);
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(2, metrics.size());
        Map<?, ?> last = (Map<?, ?>) Json.parse(metrics.get(1));
        assertEquals(2L, last.get("epoch"));
        assertEquals(8L, last.get("step")); // 32 training images, batch 8: 4 steps an epoch

        CliTest.Result eval = vit("eval", "--model", out.toString(), "--dataset", "fashion-mnist", "--data-dir", data.toString(), "--json");
        assertEquals(0, eval.status(), eval.err());
        assertEquals(20L, ((Map<?, ?>) Json.parse(eval.out().strip())).get("count"));
        CliTest.Result classify = vit("classify", "--model", out.toString(), CliTest.MODELS.resolve("samples").toString());
        assertEquals(0, classify.status(), classify.err());

        // Resuming a finished run changes nothing and says where it starts.
        CliTest.Result again = vit(train(data, out, "--resume"));
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("resuming at epoch 3"), again.out());
    }

    /** A timm config with LayerScale trains its gammas and comes out as timm writes such a model, which jvit reads back. */
    @Test
    void aTimmConfigWithLayerScaleIsTrainedAndWrittenAsTimm() throws IOException {
        Path data = IdxFiles.write(dir.resolve("data"), FashionMnist.Split.TRAIN, 48, true);
        IdxFiles.write(data, FashionMnist.Split.TEST, 20, true);
        Path config = Files.writeString(dir.resolve("config.json"), """
                {"architecture": "vit_tiny_patch16_224", "num_classes": 10,
                 "model_args": {"img_size": 28, "patch_size": 7, "in_chans": 1, "embed_dim": 8, "depth": 1, "num_heads": 2,
                                "mlp_ratio": 2.0, "num_classes": 10, "init_values": 0.1},
                 "pretrained_cfg": {"input_size": [1, 28, 28], "crop_pct": 1.0, "mean": [0.5], "std": [0.5]}}
                """);
        Path out = dir.resolve("out");
        CliTest.Result r = vit(train(data, out, "--config", config.toString()));
        assertEquals(0, r.status(), r.err());
        Map<?, ?> written = (Map<?, ?>) Json.read(out.resolve("config.json"));
        assertEquals(0.1, ((Map<?, ?>) written.get("model_args")).get("init_values"));
        try (var weights = jvit.vit.io.Safetensors.open(out.resolve("model.safetensors"))) {
            assertTrue(weights.contains("blocks.0.ls1.gamma") && weights.contains("blocks.0.ls2.gamma"), weights.names().toString());
            assertTrue(weights.floats("blocks.0.ls1.gamma").getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 0) != 0.1f,
                    "the gammas were trained");
        }
        CliTest.Result eval = vit("eval", "--model", out.toString(), "--dataset", "fashion-mnist", "--data-dir", data.toString(), "--json");
        assertEquals(0, eval.status(), eval.err());
    }

    /**
     * timm configs with prefix tokens: register tokens without position embeddings, DeiT's distillation token, whose
     * two heads both learn the label, and register tokens without a class token, attention-pooled. Each is written as
     * timm's, with its tokens under timm's names, and reads back.
     */
    @Test
    void timmConfigsWithPrefixTokensOrNoClassTokenAreTrainedAndWrittenAsTimm() throws IOException {
        Path data = IdxFiles.write(dir.resolve("data"), FashionMnist.Split.TRAIN, 48, true);
        IdxFiles.write(data, FashionMnist.Split.TEST, 20, true);
        String args = "\"img_size\": 28, \"patch_size\": 7, \"in_chans\": 1, \"embed_dim\": 8, \"depth\": 1, \"num_heads\": 2,"
                + " \"mlp_ratio\": 2.0, \"num_classes\": 10";
        Map<String, List<String>> expected = Map.of(
                "{\"architecture\": \"vit_tiny_patch16_224\", \"model_args\": {" + args + ", \"reg_tokens\": 3, \"no_embed_class\": true},",
                List.of("cls_token", "reg_token"),
                "{\"architecture\": \"deit_tiny_distilled_patch16_224\", \"model_args\": {" + args + "},",
                List.of("cls_token", "dist_token", "head_dist.weight", "head_dist.bias"),
                "{\"architecture\": \"vit_tiny_patch16_224\", \"model_args\": {" + args
                        + ", \"class_token\": false, \"reg_tokens\": 2, \"global_pool\": \"map\"},",
                List.of("reg_token", "attn_pool.latent"));
        int run = 0;
        for (var e : expected.entrySet()) {
            Path config = Files.writeString(dir.resolve("config" + run + ".json"), e.getKey()
                    + " \"pretrained_cfg\": {\"input_size\": [1, 28, 28], \"crop_pct\": 1.0, \"mean\": [0.5], \"std\": [0.5]}}");
            Path out = dir.resolve("out" + run++);
            CliTest.Result r = vit(train(data, out, "--config", config.toString()));
            assertEquals(0, r.status(), r.err());
            var written = jvit.vit.ModelConfigs.read(out.resolve("config.json"));
            var read = jvit.vit.ModelConfigs.read(config);
            assertEquals(List.of(read.classToken(), read.regTokens(), read.noEmbedClass(), read.distilled(), read.pool()),
                    List.of(written.classToken(), written.regTokens(), written.noEmbedClass(), written.distilled(), written.pool()));
            try (var weights = jvit.vit.io.Safetensors.open(out.resolve("model.safetensors"))) {
                assertTrue(weights.names().containsAll(e.getValue()), weights.names().toString());
                assertEquals(read.classToken(), weights.contains("cls_token"), weights.names().toString());
                assertFalse(weights.contains("prefix_tokens"), weights.names().toString());
            }
            CliTest.Result eval = vit("eval", "--model", out.toString(), "--dataset", "fashion-mnist", "--data-dir", data.toString(), "--json");
            assertEquals(0, eval.status(), eval.err());
        }
    }

    /**
     * Hugging Face configs of a Dinov2 and a plain DeiT train and are written for their own model classes (PeerCheckTest
     * and bin/cli-test check that transformers loads them); one transformers 5 cannot describe is refused before the data is read.
     */
    @Test
    void huggingFaceDinov2AndDeitConfigsAreTrainedAndWrittenForTheirModelClasses() throws IOException {
        Path data = IdxFiles.write(dir.resolve("data"), FashionMnist.Split.TRAIN, 48, true);
        String sizes = "\"image_size\": 28, \"patch_size\": 7, \"num_channels\": 1, \"hidden_size\": 8, \"num_hidden_layers\": 1,"
                + " \"num_attention_heads\": 2, \"num_labels\": 10, ";
        String dinov2 = "{" + sizes + "\"model_type\": \"dinov2\", \"mlp_ratio\": 2, \"layerscale_value\": 0.5}";
        Map<String, List<String>> expected = Map.of(dinov2,
                List.of("Dinov2ForImageClassification", "dinov2.embeddings.mask_token", "dinov2.encoder.layer.0.layer_scale2.lambda1"),
                "{" + sizes + "\"model_type\": \"deit\", \"architectures\": [\"DeiTForImageClassification\"], \"intermediate_size\": 16}",
                List.of("DeiTForImageClassification", "deit.embeddings.distillation_token", "classifier.weight"));
        int run = 0;
        for (var e : expected.entrySet()) {
            Path config = Files.writeString(dir.resolve("config" + run + ".json"), e.getKey());
            Path out = dir.resolve("out" + run++);
            CliTest.Result r = vit(train(data, out, "--config", config.toString(), "--epochs", "1"));
            assertEquals(0, r.status(), r.err());
            assertEquals(List.of(e.getValue().getFirst()), ((Map<?, ?>) Json.read(out.resolve("config.json"))).get("architectures"));
            try (var weights = jvit.vit.io.Safetensors.open(out.resolve("model.safetensors"))) {
                assertTrue(weights.names().containsAll(e.getValue().subList(1, 3)), weights.names().toString());
            }
            CliTest.Result eval = vit("eval", "--model", out.toString(), "--dataset", "fashion-mnist", "--data-dir", data.toString(),
                    "--split", "train", "--json");
            assertEquals(0, eval.status(), eval.err());
        }
        Path config = Files.writeString(dir.resolve("ratio.json"), dinov2.replace("\"mlp_ratio\": 2", "\"mlp_ratio\": 2.5"));
        CliTest.Result refused = vit("train", "--dataset", "fashion-mnist", "--data-dir", dir.resolve("missing").toString(),
                "--config", config.toString(), "--out", dir.resolve("refused").toString());
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("not hidden_size × a whole mlp_ratio"), refused.err());
    }

    /** The whole run on opencl:0: training steps, validation and evaluation on the device. */
    @Test
    void aRunOnOpenCL() throws IOException {
        CliTest.assumeOpenCL();
        Path data = IdxFiles.write(dir.resolve("data"), FashionMnist.Split.TRAIN, 48, true);
        Path out = dir.resolve("out");
        CliTest.Result r = vit(train(data, out, "--device", "opencl:0", "--epochs", "1"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("training ViT") && r.out().contains("on opencl:0") && r.out().contains("epoch 1/1: train loss"), r.out());
        Map<?, ?> metrics = (Map<?, ?>) Json.parse(Files.readAllLines(out.resolve("metrics.jsonl")).getFirst());
        for (String key : List.of("train_loss", "validation_loss"))
            assertTrue(Double.isFinite(((Number) metrics.get(key)).doubleValue()), key + " in " + metrics);
        CliTest.Result eval = vit("eval", "--model", out.toString(), "--dataset", "fashion-mnist", "--data-dir", data.toString(),
                "--split", "train", "--device", "opencl:0");
        assertEquals(0, eval.status(), eval.err());
    }

    /** A pipeline over java and opencl:0, its profiles measured into a cache of the test's own. */
    @Test
    void aPipelineRunOverJavaAndOpenCL() throws IOException {
        CliTest.assumeOpenCL();
        Path data = IdxFiles.write(dir.resolve("data"), FashionMnist.Split.TRAIN, 48, true);
        String saved = System.getProperty("jvit.cache");
        System.setProperty("jvit.cache", dir.resolve("cache").toString());
        try {
            CliTest.Result r = vit(train(data, dir.resolve("out"), "--devices", "java,opencl:0", "--schedule", "pipeline", "--layers", "2",
                    "--epochs", "1"));
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("on java, opencl:0 (pipeline)") && r.out().contains("epoch 1/1: train loss"), r.out());
        } finally {
            if (saved == null) System.clearProperty("jvit.cache");
            else System.setProperty("jvit.cache", saved);
        }
    }

    @Test
    void failures() throws IOException {
        Path data = IdxFiles.write(dir.resolve("data"), FashionMnist.Split.TRAIN, 48, true);
        vit(train(dir.resolve("nowhere"), dir.resolve("a"))).failsWith("nowhere", "apt-get install dataset-fashion-mnist");
        vit(train(data, dir.resolve("b"), "--resume")).failsWith("checkpoint.safetensors", "without --resume");
        assertEquals(0, vit(train(data, dir.resolve("c"))).status());
        vit(train(data, dir.resolve("c"), "--resume", "--lr", "0.5")).failsWith("other settings");
        vit(train(data, dir.resolve("d"), "--batch", "100")).failsWith("--batch 100");
        vit(train(data, dir.resolve("e"), "--hidden", "10", "--heads", "3")).failsWith("divisible");
        vit("train", "--dataset", "cifar", "--out", dir.toString()).failsWith("fashion-mnist");
        vit(train(data, dir.resolve("f"), "--devices", "java,cuda:7")).failsWith("cuda:7");
        vit(train(data, dir.resolve("f"), "--schedule", "auto")).failsWith("--schedule auto is not for training; use single, pipeline, data-parallel");
        vit(train(data, dir.resolve("f"), "--schedule", "sideways")).failsWith("unknown schedule 'sideways'");
        vit(train(data, dir.resolve("f"), "--device", "java", "--devices", "java")).failsWith("--device or --devices");
        Files.writeString(dir.resolve("c").resolve("checkpoint.safetensors"), "garbage");
        vit(train(data, dir.resolve("c"), "--resume")).failsWith("checkpoint.safetensors");
    }

    /** What another run, a killed run or a damaged disk leaves in --out: each refused in one line or cleaned up. */
    @Test
    void theOutputFolderIsGuarded() throws IOException {
        Path data = IdxFiles.write(dir.resolve("data"), FashionMnist.Split.TRAIN, 48, true);
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        vit(train(data, file)).failsWith("a-file", "is a file, not a folder");

        // A run holding the lock: the second is refused and names the holder (this JVM, the test itself).
        Path held = Files.createDirectories(dir.resolve("held"));
        try (var channel = java.nio.channels.FileChannel.open(held.resolve("train.lock"), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE); var lock = channel.lock()) {
            channel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes()));
            vit(train(data, held)).failsWith("held", "another training (pid " + ProcessHandle.current().pid() + ")", "another --out");
        }
        assertFalse(Files.exists(held.resolve("model.safetensors")), "the refused run wrote nothing");

        // A stale lock of a dead process is taken over; a killed run's temporary files are removed.
        Path stale = Files.createDirectories(dir.resolve("stale"));
        Files.writeString(stale.resolve("train.lock"), "999999999\n");
        Files.writeString(stale.resolve(".checkpoint.safetensors.1a2b3c.tmp"), "half");
        Files.writeString(stale.resolve("notes.tmp"), "the user's");
        assertEquals(0, vit(train(data, stale, "--epochs", "1")).status());
        assertFalse(Files.exists(stale.resolve(".checkpoint.safetensors.1a2b3c.tmp")), "debris removed");
        assertTrue(Files.exists(stale.resolve("notes.tmp")), "only jvit's own temporary files are removed");
        assertFalse(Files.exists(stale.resolve("train.lock")), "the lock is gone after the run");

        // One flipped byte in the checkpoint's data: refused, not resumed from.
        Path checkpoint = stale.resolve("checkpoint.safetensors");
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[bytes.length - 5] ^= 0x10;
        Files.write(checkpoint, bytes);
        vit(train(data, stale, "--epochs", "2", "--resume")).failsWith("checkpoint.safetensors", "damaged", "CRC-32C");
    }
}
