package jvit.vit.model;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import jvit.runtime.Devices;
import jvit.vit.ViTConfig;
import jvit.vit.cli.Main;
import jvit.vit.image.Preprocessing;
import jvit.vit.io.FloatFormat;
import jvit.vit.io.FloatTensor;
import jvit.vit.io.Npy;
import jvit.vit.train.ModelFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code vit forward --device opencl:0} writes the logits {@code --device java} writes (relative error ≤ 1e-4), for both namings. */
class OpenCLCliForwardTest {
    @TempDir
    Path dir;

    @ParameterizedTest // DeiT's names differ from Hugging Face's ViT only in the prefix: ForwardTest covers them
    @EnumSource(value = CheckpointNames.class, names = {"TIMM", "HUGGING_FACE"})
    void forwardOnOpenCLMatchesJava(CheckpointNames naming) {
        Assumptions.assumeTrue(Devices.all().stream().anyMatch(d -> d.id().equals("opencl:0")), "no OpenCL device");
        ViTConfig config = ViTConfig.builder().imageSize(32).patchSize(8).channels(3).hidden(48).layers(2).heads(3)
                .mlpDim(96).layerNormEps(1e-12).qkvBias(true).labels(ViTConfig.defaultLabels(7))
                .preprocessing(Preprocessing.huggingFace(32, 3)).build();
        Random random = random();
        RandomCheckpoint checkpoint = new RandomCheckpoint(config, random);
        Path model = dir.resolve("model");
        try (Arena arena = Arena.ofShared()) {
            ModelFiles.write(model, config, List.copyOf(checkpoint.tensors(CheckpointNames.TIMM, arena).values()), java.util.Map.of());
        }
        checkpoint.write(model.resolve(ViTModel.WEIGHTS), naming, FloatFormat.F32);

        float[] images = new float[5 * 3 * 32 * 32];
        for (int i = 0; i < images.length; i++) images[i] = (float) (random.nextDouble() * 4 - 2);
        Path x = dir.resolve("x.npy");
        Npy.write(x, FloatTensor.of(images, 5, 3, 32, 32));
        float[] java = forward(model, x, "java"), opencl = forward(model, x, "opencl:0");
        double diff = 0, norm = 0;
        for (int i = 0; i < java.length; i++) {
            diff += (java[i] - opencl[i]) * (double) (java[i] - opencl[i]);
            norm += java[i] * (double) java[i];
        }
        assertTrue(Math.sqrt(diff / norm) <= 1e-4, naming + " " + random + ": relative error " + Math.sqrt(diff / norm));
    }

    private float[] forward(Path model, Path x, String device) {
        Path y = dir.resolve(device.replace(':', '_') + ".npy");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int status = Main.run(new PrintWriter(out), new PrintWriter(err), "forward", "--model", model.toString(), "--input", x.toString(),
                "--output", y.toString(), "--device", device, "--batch", "2");
        assertEquals(0, status, err.toString());
        try (Arena arena = Arena.ofConfined()) {
            FloatTensor logits = Npy.read(y, arena);
            assertArrayEquals(new long[] {5, 7}, logits.shape());
            float[] v = logits.toArray();
            for (float f : v) assertTrue(Float.isFinite(f));
            assertTrue(Files.exists(y));
            return v;
        }
    }
}
