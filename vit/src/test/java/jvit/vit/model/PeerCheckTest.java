package jvit.vit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jvit.kernels.Op.Activation;
import jvit.runtime.Backend;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.UserError;
import jvit.vit.ModelConfigs;
import jvit.vit.ViTConfig;
import jvit.vit.image.Preprocessing;
import jvit.vit.io.FloatTensor;
import jvit.vit.io.Json;
import jvit.vit.io.Npy;
import jvit.vit.train.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jvit against the libraries people use: {@code src/test/python/peers.py} makes small random ViTs
 * with timm and transformers, written by their own writers, with PyTorch's float64 logits; every
 * one jvit implements must match on {@code java} and {@code opencl:0} within 1e-4 of the logits'
 * scale, and every other must be refused in one line. Skipped, with the reason, where
 * {@code bin/jvit-peers.sh} finds no PyTorch ({@code $JVIT_PEERS_PYTHON} names one directly).
 */
class PeerCheckTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    @Test
    void everyVariantMatchesPyTorchOrIsRefusedByName() throws IOException, InterruptedException {
        String python = peersPython();
        long seed = Long.getLong("jvit.peers.seed", 0);
        run(python, ROOT.resolve("vit/src/test/python/peers.py").toString(), dir.toString(), Long.toString(seed));
        List<Device> devices = devices();
        List<String> failures = new ArrayList<>();
        int matched = 0;
        for (Object entry : (List<?>) Json.read(dir.resolve("variants.json"))) {
            Map<?, ?> variant = (Map<?, ?>) entry;
            Path model = dir.resolve((String) variant.get("name"));
            if (variant.get("refused") instanceof String words) {
                UserError e = assertThrows(UserError.class, () -> ViTModel.openDirectory(model).close(), model + " was not refused");
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
                if (!e.getMessage().contains(words)) failures.add(model.getFileName() + ": refused with '" + e.getMessage()
                        + "', which does not name '" + words + "'");
                continue;
            }
            for (Device device : devices) {
                String problem = compare(model, device);
                if (problem != null) failures.add(model.getFileName() + " on " + device.id() + ": " + problem + " (seed " + seed
                        + ", -Djvit.peers.seed to replay)");
            }
            matched++;
        }
        assertTrue(matched >= 4, "only " + matched + " variants to match");
        assertEquals(List.of(), failures);
    }

    /**
     * transformers loads what {@code vit train --out} writes, and the shipped default model, every
     * tensor matched, and computes jvit's logits, as it does for a Dinov2 (Dinov2ForImageClassification) and DeiT's two
     * classes; timm does
     * for models only its config describes (LayerScale, register tokens with no_embed_class, DeiT's distillation,
     * CLIP's epsilon with pre-norm and quick GELU, qk-norm, attention and avgmax pooling, fc_norm, gelu_tanh,
     * no class token with a register and the attention pool).
     */
    @Test
    void theirLibrariesLoadTheDirectoriesJvitWrites() throws IOException, InterruptedException {
        String python = peersPython();
        Random random = new Random(Long.getLong("jvit.peers.seed", 0));
        ViTConfig config = ViTConfig.builder().imageSize(32).patchSize(8).channels(3).hidden(48).layers(2).heads(3)
                .mlpDim(96).layerNormEps(1e-12).qkvBias(false).labels(ViTConfig.defaultLabels(7))
                .preprocessing(Preprocessing.huggingFace(32, 3)).build();
        ViTConfig layerScaled = ViTConfig.builder().imageSize(32).patchSize(8).channels(3).hidden(48).layers(2).heads(3)
                .mlpDim(96).layerNormEps(1e-6).qkvBias(true).labels(ViTConfig.defaultLabels(4))
                .preprocessing(Preprocessing.huggingFace(32, 3)).layerScale(0.5).build();
        ViTConfig registers = layerScaled.toBuilder().regTokens(2).noEmbedClass(true).build();
        ViTConfig distilled = layerScaled.toBuilder().layerScale(0).distilled(true).resampling(ViTConfig.PositionResampling.TIMM).build();
        // DeiT resampled as Hugging Face does: its model classes, with one head and with two.
        ViTConfig deit = config.toBuilder().regTokens(1).build(), deitDistilled = config.toBuilder().distilled(true).build();
        ViTConfig dinov2 = layerScaled.toBuilder().pool(ViTConfig.Pool.CLASS_AND_AVG).build();
        // CLIP's: PyTorch's LayerNorm epsilon, pre-norm, quick GELU; with qk-norm too, which takes the model's epsilon.
        ViTConfig clip = layerScaled.toBuilder().layerScale(0).layerNormEps(1e-5).preNorm(true).activation(Activation.QUICK_GELU)
                .qkNorm(true).build();
        ViTConfig map = layerScaled.toBuilder().pool(ViTConfig.Pool.MAP).activation(Activation.GELU_TANH).build();
        ViTConfig avgmax = layerScaled.toBuilder().layerScale(0).regTokens(1).pool(ViTConfig.Pool.AVGMAX).fcNorm(true).build();
        ViTConfig noClassToken = layerScaled.toBuilder().classToken(false).regTokens(1).pool(ViTConfig.Pool.MAP).build();
        Path written = dir.resolve("written"), timm = dir.resolve("written-timm"), shipped = dir.resolve("fashion-mnist");
        Path timmRegisters = dir.resolve("written-timm-registers"), timmDistilled = dir.resolve("written-timm-distilled");
        Path hfDinov2 = dir.resolve("written-dinov2"), timmClip = dir.resolve("written-timm-clip");
        Path timmMap = dir.resolve("written-timm-map"), timmAvgmax = dir.resolve("written-timm-avgmax");
        Path hfDeit = dir.resolve("written-deit"), hfDeitDistilled = dir.resolve("written-deit-distilled");
        Path timmNoClassToken = dir.resolve("written-timm-no-class-token");
        // In a fixed order, so that a seed replays the same weights.
        List<Map.Entry<Path, ViTConfig>> configs = List.of(Map.entry(written, config), Map.entry(timm, layerScaled),
                Map.entry(timmRegisters, registers), Map.entry(timmDistilled, distilled), Map.entry(hfDinov2, dinov2),
                Map.entry(timmClip, clip), Map.entry(timmMap, map), Map.entry(timmAvgmax, avgmax), Map.entry(hfDeit, deit),
                Map.entry(hfDeitDistilled, deitDistilled), Map.entry(timmNoClassToken, noClassToken));
        try (Arena arena = Arena.ofShared()) {
            for (var m : configs)
                ModelFiles.write(m.getKey(), m.getValue(), List.copyOf(new RandomCheckpoint(m.getValue(), random)
                        .tensors(CheckpointNames.TIMM, arena).values()), Map.of("format", "pt"));
        }
        Files.createDirectories(shipped);
        for (String file : List.of(ViTModel.CONFIG, ViTModel.WEIGHTS, "preprocessor_config.json"))
            Files.copy(ROOT.resolve("models/fashion-mnist").resolve(file), shipped.resolve(file));
        List<Path> models = new ArrayList<>(configs.stream().map(Map.Entry::getKey).toList());
        models.add(shipped);
        for (Path model : models) {
            ViTConfig c = ModelConfigs.read(model.resolve(ViTModel.CONFIG));
            float[] images = new float[3 * c.channels() * c.imageSize() * c.imageSize()];
            for (int i = 0; i < images.length; i++) images[i] = (float) random.nextGaussian();
            Npy.write(model.resolve("images.npy"), FloatTensor.of(images, 3, c.channels(), c.imageSize(), c.imageSize()));
        }
        List<String> command = new ArrayList<>(List.of(python, ROOT.resolve("vit/src/test/python/load_written.py").toString()));
        for (Path model : models) command.add(model.toString());
        run(command.toArray(String[]::new));
        List<String> failures = new ArrayList<>();
        for (Path model : models)
            for (Device device : devices()) {
                String problem = compare(model, device);
                if (problem != null) failures.add(model.getFileName() + " on " + device.id() + ": " + problem);
            }
        assertEquals(List.of(), failures);
    }

    /** Null when jvit's logits on {@code device} equal PyTorch's within the tolerance, else what differs. */
    private static String compare(Path model, Device device) {
        try (Arena arena = Arena.ofShared(); ViTModel vit = ViTModel.openDirectory(model)) {
            FloatTensor images = Npy.read(model.resolve("images.npy"), arena);
            float[] expected = Npy.read(model.resolve("logits.npy"), arena).toArray();
            int batch = (int) images.shape()[0], side = (int) images.shape()[3];
            // A dynamic_img_size model takes images of another side, its position embeddings resampled for them.
            ViTWeights weights = vit.config().dynamicImageSize() ? vit.weights().withImageSize(side, arena) : vit.weights();
            try (Inference inference = new Inference(weights, device, batch)) {
                inference.images().copyFrom(images.data());
                inference.logits().fill((byte) 0xff); // NaN: a logit the graph does not write fails
                inference.run(false);
                float[] actual = new FloatTensor(new long[] {expected.length}, inference.logits()).toArray();
                double scale = 0, worst = 0;
                for (float e : expected) scale = Math.max(scale, Math.abs(e));
                for (int i = 0; i < expected.length; i++) {
                    double d = Math.abs(actual[i] - (double) expected[i]);
                    worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
                }
                return worst <= TOLERANCE * scale ? null
                        : String.format("logits differ by %.3g, more than %.0e of their scale %.3g", worst, TOLERANCE, scale);
            }
        } catch (UserError e) {
            return "refused: " + e.getMessage();
        }
    }

    /** java, and the first OpenCL device where there is one. */
    private static List<Device> devices() {
        List<Device> devices = new ArrayList<>(List.of(Devices.get("java")));
        Backend opencl = Devices.backends().stream().filter(b -> b.name().equals("opencl")).findFirst().orElseThrow();
        if (opencl.unavailable().isEmpty()) devices.add(opencl.devices().getFirst());
        else System.err.println("PeerCheckTest: opencl:0 not checked: " + opencl.unavailable().orElseThrow());
        return devices;
    }

    /** The Python with PyTorch, timm and transformers that bin/jvit-peers.sh provides; skips the test without one. */
    private static String peersPython() throws IOException, InterruptedException {
        String given = System.getenv("JVIT_PEERS_PYTHON");
        if (given != null && !given.isEmpty()) return given;
        Process p = new ProcessBuilder("bash", "-c", ". bin/jvit-peers.sh && jvit_peers_python").directory(ROOT.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assumeTrue(p.waitFor() == 0 && !out.isEmpty(), () -> "no PyTorch peers: " + err);
        return out;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = p.waitFor();
        if (status != 0) throw new AssertionError(String.join(" ", command) + " exited with " + status + ":\n" + out);
    }
}
