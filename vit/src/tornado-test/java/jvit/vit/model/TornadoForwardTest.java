package jvit.vit.model;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Random;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.vit.DeviceTesting;
import jvit.vit.ViTConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole forward graph on tornado:0:0 against the Java device, for checkpoints in both namings (as DeviceForwardTests),
 * and the default model's, which is larger than one TornadoVM task graph holds (it runs split across several).
 */
class TornadoForwardTest {
    private static final Path DEFAULT_MODEL = Path.of("..", "models", "fashion-mnist").toAbsolutePath().normalize();

    @Test
    void theDefaultModelsLogitsAgreeWithTheJavaDevice() {
        Random random = random();
        int batch = 2;
        try (ViTModel model = ViTModel.openDirectory(DEFAULT_MODEL); Arena arena = Arena.ofConfined();
             Inference java = model.inference(Devices.get("java"), batch); Inference device = model.inference(Devices.get("tornado:0:0"), batch)) {
            for (int run = 0; run < 2; run++) {
                MemorySegment images = segment(arena, uniform(random, (int) (batch * java.imageElements()), 2));
                java.images().copyFrom(images);
                device.images().copyFrom(images);
                device.logits().fill((byte) 0xff); // NaN: a logit the graph does not write fails
                java.run(false);
                device.run(false);
                int n = batch * model.config().numLabels();
                double error = DeviceTesting.relativeError(toDoubles(java.logits(), n), toDoubles(device.logits(), n));
                assertTrue(error <= 1e-4, "default model run " + run + " " + random + ": logits differ from the Java device's by " + error);
            }
        }
    }

    /** Each graph compiles for about a minute here (TornadoVM compiles each shape anew): one model per naming. */
    @ParameterizedTest
    @EnumSource(CheckpointNames.class)
    void logitsAgreeWithTheJavaDevice(CheckpointNames naming) {
        Device tornado = Devices.get("tornado:0:0");
        // One channel and 4 tokens; 65 tokens (more than one block of query rows and of keys), head size 16.
        for (ViTConfig config : new ViTConfig[] {naming == CheckpointNames.TIMM ? DeviceForwardTests.wide() : ForwardTest.grey()}) {
            Random random = random();
            RandomCheckpoint checkpoint = new RandomCheckpoint(config, random);
            int batch = 3;
            try (Arena arena = Arena.ofShared()) {
                ViTWeights weights = ViTWeights.from(config, checkpoint.tensors(naming, arena), Path.of("test.safetensors"), arena);
                try (Inference java = new Inference(weights, Devices.get("java"), batch);
                     Inference device = new Inference(weights, tornado, batch)) {
                    for (int run = 0; run < 2; run++) { // the second run reads the weights already on the device
                        MemorySegment images = segment(arena, uniform(random, (int) (batch * java.imageElements()), 2));
                        java.images().copyFrom(images);
                        device.images().copyFrom(images);
                        device.logits().fill((byte) 0xff); // NaN: a logit the graph does not write fails
                        java.run(false);
                        device.run(false);
                        int n = batch * config.numLabels();
                        double error = DeviceTesting.relativeError(toDoubles(java.logits(), n), toDoubles(device.logits(), n));
                        assertTrue(error <= 1e-4, naming + " " + config.hidden() + "-wide run " + run + " " + random
                                + ": logits differ from the Java device's by " + error);
                    }
                }
            }
        }
    }
}
