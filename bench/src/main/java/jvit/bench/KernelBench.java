package jvit.bench;

import java.util.concurrent.TimeUnit;
import jvit.runtime.Devices;
import jvit.vit.benchmark.KernelCases;
import jvit.vit.benchmark.KernelWorkload;
import org.openjdk.jmh.annotations.*;

/**
 * Every kernel ({@link KernelCases#all()}: ViT-B/16's operators for 8 images, forward and
 * backward, and square matmuls) on every device, one launch per call, the inputs rotating among
 * copies that pass the last-level cache. A device without a kernel for the operator fails its
 * set-up; {@link Suite} asks first and skips it with a note.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,jvit.kernels.cpu.*::*Lanes"})
public class KernelBench {
    @Param({"java", "opencl:0"})
    public String device;

    /** A case of {@link KernelCases#all()}, by name (KernelBenchTest checks the list is that one). */
    @Param({"patch_embed",
            "embed_tokens",
            "layernorm",
            "matmul_qkv",
            "qk_split",
            "qk_merge",
            "attention",
            "matmul_proj",
            "add",
            "layer_scale",
            "matmul_fc1",
            "matmul_fc2",
            "matmul_scores",
            "softmax",
            "gelu",
            "class_token",
            "token_pool",
            "latent_attention",
            "cross_entropy",
            "class_token_backward",
            "token_pool_backward",
            "latent_attention_backward",
            "matmul_fc2_dx",
            "matmul_fc2_dw",
            "sum_rows",
            "layer_scale_backward",
            "gelu_backward",
            "layernorm_backward",
            "attention_backward",
            "embed_tokens_backward",
            "patch_embed_backward",
            "fill",
            "accumulate_squares",
            "adamw",
            "matmul_square_512",
            "matmul_square_1024",
            "matmul_square_2048",
            "matmul_square_2048_nn"})
    public String kernel;

    private KernelWorkload workload;

    @Setup
    public void setUp() {
        workload = KernelWorkload.open(KernelCases.named(kernel).op(), Devices.get(device));
    }

    @TearDown
    public void tearDown() {
        workload.close();
    }

    @Benchmark
    public long run() {
        return workload.run();
    }
}
