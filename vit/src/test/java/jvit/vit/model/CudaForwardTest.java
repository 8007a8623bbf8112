package jvit.vit.model;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Random;
import jvit.runtime.Backend;
import jvit.runtime.Device;
import jvit.vit.DeviceTesting;
import jvit.runtime.Devices;
import jvit.vit.ViTConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole forward graph on cuda:0 against the Java device, for checkpoints in both namings, with
 * matmuls by jvit's kernel and by cuBLAS. Skipped without a GPU, unless {@code JVIT_REQUIRE_CUDA}
 * is set, when it fails.
 */
class CudaForwardTest {
    @ParameterizedTest(name = "{0}, gemm {1}")
    @CsvSource({"HUGGING_FACE, jvit", "TIMM, jvit", "HUGGING_FACE, cublas", "TIMM, cublas"})
    void logitsAgreeWithTheJavaDevice(CheckpointNames naming, String gemm) {
        Device cuda = cudaDevice();
        Assumptions.assumeTrue(gemm.equals("jvit") || !cuda.properties().get("cuBLAS").equals("not found"), "no cuBLAS");
        String before = System.getProperty("jvit.cuda.gemm");
        System.setProperty("jvit.cuda.gemm", gemm);
        try {
            for (ViTConfig config : new ViTConfig[] {ForwardTest.rgb(), ForwardTest.grey(), OpenCLForwardTest.wide()}) {
                Random random = random();
                RandomCheckpoint checkpoint = new RandomCheckpoint(config, random);
                int batch = 3;
                try (Arena arena = Arena.ofShared()) {
                    ViTWeights weights = ViTWeights.from(config, checkpoint.tensors(naming, arena), Path.of("test.safetensors"), arena);
                    try (Inference java = new Inference(weights, Devices.get("java"), batch);
                         Inference device = new Inference(weights, cuda, batch)) {
                        for (int run = 0; run < 2; run++) { // the second run reads the weights already on the device
                            MemorySegment images = segment(arena, uniform(random, (int) (batch * java.imageElements()), 2));
                            java.images().copyFrom(images);
                            device.images().copyFrom(images);
                            device.logits().fill((byte) 0xff); // NaN: a logit the graph does not write fails
                            java.run(false);
                            device.run(false);
                            int n = batch * config.numLabels();
                            double error = DeviceTesting.relativeError(toDoubles(java.logits(), n), toDoubles(device.logits(), n));
                            assertTrue(error <= 1e-4, naming + " " + gemm + " " + config.hidden() + "-wide run " + run + " " + random
                                    + ": logits differ from the Java device's by " + error);
                        }
                    }
                }
            }
        } finally {
            if (before == null) System.clearProperty("jvit.cuda.gemm");
            else System.setProperty("jvit.cuda.gemm", before);
        }
    }

    private static Device cudaDevice() {
        Backend backend = Devices.backends().stream().filter(b -> b.name().equals("cuda")).findFirst().orElseThrow();
        if (backend.unavailable().isPresent()) {
            if (System.getenv("JVIT_REQUIRE_CUDA") != null) fail("JVIT_REQUIRE_CUDA is set but CUDA is unavailable: " + backend.unavailable().get());
            Assumptions.abort("no CUDA: " + backend.unavailable().get());
        }
        return backend.devices().getFirst();
    }
}
