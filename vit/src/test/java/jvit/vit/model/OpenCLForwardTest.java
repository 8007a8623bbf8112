package jvit.vit.model;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import jvit.runtime.Device;
import jvit.vit.DeviceTesting;
import jvit.runtime.Devices;
import jvit.runtime.Tensor;
import jvit.runtime.opencl.KernelBinaries;
import jvit.vit.ViTConfig;
import jvit.vit.image.Preprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The whole forward graph on opencl:0 against the Java device, for checkpoints in both namings, and from program binaries. */
class OpenCLForwardTest {
    /** Wider than ForwardTest's: 65 tokens (more than one block of query rows and of keys), head size 16. */
    static ViTConfig wide() {
        return new ViTConfig(32, 4, 3, 64, 2, 4, 128, 1e-12, true, ViTConfig.defaultLabels(10), Preprocessing.huggingFace(32, 3));
    }

    @ParameterizedTest
    @EnumSource(CheckpointNames.class)
    void logitsAgreeWithTheJavaDevice(CheckpointNames naming) {
        Device opencl = DeviceTesting.opencl();
        for (ViTConfig config : new ViTConfig[] {ForwardTest.rgb(), ForwardTest.grey(), wide(), ForwardTest.layerScaled()}) {
            Random random = random();
            RandomCheckpoint checkpoint = new RandomCheckpoint(config, random);
            int batch = 3;
            try (Arena arena = Arena.ofShared()) {
                ViTWeights weights = ViTWeights.from(config, checkpoint.tensors(naming, arena), Path.of("test.safetensors"), arena);
                try (Inference java = new Inference(weights, Devices.get("java"), batch);
                     Inference device = new Inference(weights, opencl, batch)) {
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

    /** The FPGA flow on PoCL: the forward graph's programs built into a file, then run from it, give the logits compiling gives. */
    @Test
    void logitsFromProgramBinariesEqualThoseFromSource(@TempDir Path dir) {
        Device opencl = DeviceTesting.opencl();
        ViTConfig config = wide();
        Random random = random();
        RandomCheckpoint checkpoint = new RandomCheckpoint(config, random);
        int batch = 2;
        Path file = dir.resolve("wide.jvitk");
        try (Arena arena = Arena.ofShared()) {
            ViTWeights weights = ViTWeights.from(config, checkpoint.tensors(CheckpointNames.TIMM, arena), Path.of("test.safetensors"), arena);
            var images = Tensor.allocate("images", arena, batch, config.channels(), config.imageSize(), config.imageSize());
            var graph = ForwardGraph.record(weights, images, Tensor.allocate("logits", arena, batch, config.numLabels()));
            KernelBinaries.build(opencl, List.of(graph), file, program -> {});
            try (Inference source = new Inference(weights, opencl, batch);
                 Inference binary = new Inference(weights, opencl.withProgramBinaries(file), batch)) {
                MemorySegment x = segment(arena, uniform(random, (int) (batch * source.imageElements()), 2));
                source.images().copyFrom(x);
                binary.images().copyFrom(x);
                binary.logits().fill((byte) 0xff);
                source.run(false);
                binary.run(false);
                long bytes = 4L * batch * config.numLabels();
                assertEquals(-1, source.logits().asSlice(0, bytes).mismatch(binary.logits().asSlice(0, bytes)),
                        "logits from binaries differ from those from source " + random);
            }
        }
    }
}
