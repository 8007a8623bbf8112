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
import jvit.runtime.Tensor;
import jvit.runtime.opencl.KernelBinaries;
import jvit.vit.ViTConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model suite on opencl:0, and the FPGA flow: the forward graph from program binaries. */
class OpenCLViTTest implements ViTDeviceSuite {
    public Device device() {
        return DeviceTesting.opencl();
    }

    /** The FPGA flow on PoCL: the forward graph's programs built into a file, then run from it, give the logits compiling gives. */
    @Test
    void logitsFromProgramBinariesEqualThoseFromSource(@TempDir Path dir) {
        Device opencl = device();
        ViTConfig config = DeviceForwardTests.wide();
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
