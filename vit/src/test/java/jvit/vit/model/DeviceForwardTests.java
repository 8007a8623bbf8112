package jvit.vit.model;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.vit.DeviceTesting;
import jvit.vit.ViTConfig;
import jvit.vit.image.Preprocessing;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole forward graph on a device against the Java device, for checkpoints in both namings:
 * logits within 1e-4 relative, the second run reading the weights already on the device. Part of
 * {@link ViTDeviceSuite}: a test class names the device.
 */
public interface DeviceForwardTests {
    /** The device the forward graph runs on. */
    Device device();

    /** Wider than ForwardTest's: 65 tokens (more than one block of query rows and of keys), head size 16. */
    static ViTConfig wide() {
        return ViTConfig.builder().imageSize(32).patchSize(4).channels(3).hidden(64).layers(2).heads(4).mlpDim(128)
                .layerNormEps(1e-12).qkvBias(true).labels(ViTConfig.defaultLabels(10))
                .preprocessing(Preprocessing.huggingFace(32, 3)).build();
    }

    /** The models compiled for checkpoints in {@code naming}; a backend whose every compile takes long may take fewer. */
    default List<ViTConfig> forwardConfigs(CheckpointNames naming) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(ForwardTest.rgb(), ForwardTest.grey(), wide(),
                ForwardTest.layerScaled(), ForwardTest.distilled(), ForwardTest.registers(), ForwardTest.preNormedTanh(),
                ForwardTest.quickQkNormed()), java.util.Arrays.stream(ForwardTest.pooled()))
                .toList();
    }

    @ParameterizedTest // DeiT's names differ from Hugging Face's ViT only in the prefix: ForwardTest covers them
    @EnumSource(value = CheckpointNames.class, names = {"TIMM", "HUGGING_FACE"})
    default void logitsAgreeWithTheJavaDevice(CheckpointNames naming) {
        Device device = device();
        for (ViTConfig config : forwardConfigs(naming)) {
            Random random = random();
            RandomCheckpoint checkpoint = new RandomCheckpoint(config, random);
            int batch = 3;
            try (Arena arena = Arena.ofShared()) {
                ViTWeights weights = ViTWeights.from(config, checkpoint.tensors(naming, arena), Path.of("test.safetensors"), arena);
                try (Inference java = new Inference(weights, Devices.get("java"), batch);
                     Inference onDevice = new Inference(weights, device, batch)) {
                    assertLogitsAgree(java, onDevice, batch * config.numLabels(), random, arena,
                            device + " " + naming + " " + config.hidden() + "-wide");
                }
            }
        }
    }

    /** Two runs on the same random images (the second reads the weights already on the device): logits within 1e-4 relative. */
    static void assertLogitsAgree(Inference java, Inference onDevice, int logits, Random random, Arena arena, String what) {
        for (int run = 0; run < 2; run++) {
            MemorySegment images = segment(arena, uniform(random, (int) (java.batch() * java.imageElements()), 2));
            java.images().copyFrom(images);
            onDevice.images().copyFrom(images);
            onDevice.logits().fill((byte) 0xff); // NaN: a logit the graph does not write fails
            java.run(false);
            onDevice.run(false);
            double error = DeviceTesting.relativeError(toDoubles(java.logits(), logits), toDoubles(onDevice.logits(), logits));
            assertTrue(error <= 1e-4, what + " run " + run + " " + random + ": logits differ from the Java device's by " + error);
        }
    }
}
