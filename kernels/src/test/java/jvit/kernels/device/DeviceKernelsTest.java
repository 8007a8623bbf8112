package jvit.kernels.device;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.device.DeviceLimits.DeviceType;
import jvit.kernels.device.KernelArg.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launch descriptions of both variants (GPU kernels, and the CPU kernels chosen for CPU
 * devices): within the device's limits, covering every output, naming a kernel that exists.
 */
class DeviceKernelsTest {
    static final List<Op> OPS = List.of(
            new Op.Matmul(3, 67, 129, 97, false, false, true, Activation.GELU),
            Op.Matmul.linear(1, 1, 1, Activation.NONE),
            Op.Matmul.residualLinear(197, 768, 768),
            new Op.LayerNorm(197, 768, 1e-6f),
            new Op.LayerNorm(5, 3, 1e-6f),
            new Op.Softmax(11, 1000),
            new Op.Attention(2, 197, 12, 64),
            new Op.Gelu(100_003),
            new Op.Add(1),
            new Op.PatchEmbed(2, 3, 224, 224, 16, 768),
            new Op.EmbedTokens(2, 196, 768),
            new Op.EmbedTokens(2, 5, 196, 768, false),
            new Op.ClassToken(2, 197, 768),
            new Op.ClassToken(2, 198, 768, 1),
            new Op.TokenPool(2, 197, 768, 1, Op.Pooling.AVGMAX),
            new Op.LatentAttention(2, 197, 1, 12, 64),
            Op.Matmul.weightGradient(197, 65, 3),
            new Op.SumRows(394, 768),
            new Op.LayerScale(394, 768),
            new Op.LayerScaleBackward(394, 768),
            new Op.GeluBackward(100_003),
            new Op.LayerNormBackward(394, 768, 1e-6f),
            new Op.LayerNormBackward(5, 3, 1e-6f),
            new Op.AttentionBackward(2, 197, 12, 64),
            new Op.CrossEntropy(128, 10, 0.1f),
            new Op.PatchEmbedBackward(2, 3, 224, 224, 16, 768),
            new Op.EmbedTokensBackward(2, 196, 768),
            new Op.EmbedTokensBackward(2, 5, 196, 768, false),
            new Op.ClassTokenBackward(2, 197, 768),
            new Op.ClassTokenBackward(2, 198, 768, 1),
            new Op.TokenPoolBackward(2, 197, 768, 1, Op.Pooling.CLASS_AND_AVG),
            new Op.LatentAttentionBackward(2, 197, 1, 12, 64),
            new Op.Fill(1, 0),
            new Op.AccumulateSquares(2_359_296),
            new Op.AdamW(2_359_296, 0.9f, 0.999f, 1e-8f, 0.05f, 1));

    /** The launch of an operator that takes one. */
    static KernelLaunch only(Op op, DeviceLimits limits) {
        List<KernelLaunch> launches = DeviceKernels.launches(op, limits);
        assertEquals(1, launches.size(), op + " -> " + launches);
        return launches.getFirst();
    }

    static DeviceLimits gpu(int maxWorkGroupSize, long localMemory) {
        return new DeviceLimits(DeviceType.GPU, maxWorkGroupSize, localMemory, 80, 1);
    }

    static DeviceLimits cpu(int maxWorkGroupSize, long localMemory, int vectorWidth) {
        return new DeviceLimits(DeviceType.CPU, maxWorkGroupSize, localMemory, 2, vectorWidth);
    }

    @ParameterizedTest(name = "max work-group size {0}")
    @ValueSource(ints = {1, 3, 64, 100, 256, 1024, 4096})
    void launchesRespectTheWorkGroupLimit(int maxWorkGroupSize) {
        for (Op op : OPS)
            for (DeviceLimits limits : List.of(gpu(maxWorkGroupSize, 32 * 1024), cpu(maxWorkGroupSize, 32 * 1024, 16)))
                for (KernelLaunch launch : DeviceKernels.launches(op, limits))
                    assertTrue(launch.groupSize() <= maxWorkGroupSize, op + " -> " + launch);
    }

    @ParameterizedTest(name = "local memory {0} bytes")
    @ValueSource(ints = {512, 16 * 1024, 48 * 1024})
    void attentionKeyTilesFitLocalMemory(int localMemory) {
        KernelLaunch launch = only(new Op.Attention(1, 50, 2, 64), gpu(256, localMemory));
        int keys = Integer.parseInt(launch.program().defines().get(1).replace("KEYS=", ""));
        assertTrue(keys >= 1 && 2 * 4 * keys * 64 <= localMemory, launch.toString());
        assertThrows(IllegalArgumentException.class,
                () -> DeviceKernels.launches(new Op.Attention(1, 50, 2, 64), gpu(256, 256)));
    }

    @ParameterizedTest(name = "matmul tiles at max work-group size {0}")
    @ValueSource(ints = {1, 64, 256})
    void matmulGridCoversTheOutput(int maxWorkGroupSize) {
        var op = new Op.Matmul(3, 67, 129, 97, false, true, false, Activation.NONE);
        KernelLaunch launch = only(op, gpu(maxWorkGroupSize, 32 * 1024));
        long[] global = launch.global(), local = launch.local();
        long tile = local[0] * DeviceKernels.MATMUL_WORK;
        assertTrue(global[0] / local[0] * tile >= 129 && global[1] / local[1] * tile >= 67, launch.toString());
        assertEquals(3, global[2]);
        assertEquals(List.of("THREADS=" + local[0]), launch.program().defines());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"matmul.cl", "patch_embed.cl", "layernorm.cl", "softmax.cl", "attention.cl", "gelu.cl", "add.cl",
            "embed_tokens.cl", "class_token.cl", "matmul_cpu.cl", "patch_embed_cpu.cl", "attention_cpu.cl", "layernorm_cpu.cl",
            "softmax_cpu.cl", "gelu_cpu.cl", "add_cpu.cl", "embed_tokens_cpu.cl", "sum_rows.cl",
            "sum_rows_cpu.cl", "gelu_backward.cl", "gelu_backward_cpu.cl", "layernorm_backward.cl", "layernorm_backward_cpu.cl",
            "attention_backward_queries.cl", "attention_backward_keys.cl", "attention_backward_cpu.cl", "cross_entropy.cl",
            "patch_embed_backward.cl", "patch_embed_backward_cpu.cl", "embed_tokens_backward.cl", "embed_tokens_backward_cpu.cl",
            "class_token_backward.cl", "class_token_backward_cpu.cl", "fill.cl", "square_sums.cl", "square_sums_cpu.cl",
            "accumulate_sum.cl", "adamw.cl", "adamw_cpu.cl", "layer_scale.cl", "layer_scale_backward.cl",
            "token_pool.cl", "token_pool_backward.cl", "latent_attention.cl", "latent_attention_backward.cl"})
    void sourcesExpandTheirIncludes(String file) {
        String source = KernelSources.read(file);
        assertFalse(source.contains("#include"), file);
        assertTrue(source.contains("#define KERNEL __kernel") && source.contains("KERNEL void "), file);
    }

    @Test
    void everyOperatorNamesAKernelItsSourceDefines() {
        for (Op op : OPS)
            for (DeviceLimits limits : List.of(gpu(256, 32 * 1024), cpu(4096, 1 << 20, 16)))
                for (KernelLaunch launch : DeviceKernels.launches(op, limits))
                    assertTrue(launch.program().source().contains("KERNEL void " + launch.kernel() + "("), launch.toString());
        assertThrows(IllegalArgumentException.class, () -> KernelSources.read("missing.cl"));
    }

    @Test
    void tensorsTooLargeForIntIndicesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> DeviceKernels.launches(new Op.Gelu(1L << 31), gpu(256, 32 * 1024)));
        assertTrue(e.getMessage().contains("32-bit"), e.getMessage());
    }

    @Test
    void cpuDevicesGetTheCpuKernelsWhereThereAreAny() {
        for (Op op : OPS) {
            String file = DeviceKernels.launches(op, cpu(4096, 1 << 20, 16)).getFirst().program().file();
            boolean generic = op instanceof Op.ClassToken || op instanceof Op.Fill || op instanceof Op.CrossEntropy
                    || op instanceof Op.LayerScale || op instanceof Op.LayerScaleBackward || op instanceof Op.TokenPool
                    || op instanceof Op.TokenPoolBackward || op instanceof Op.LatentAttention || op instanceof Op.LatentAttentionBackward;
            assertEquals(generic, !file.endsWith("_cpu.cl"), op + " -> " + file);
            for (KernelLaunch launch : DeviceKernels.launches(op, gpu(1024, 48 * 1024)))
                assertFalse(launch.program().file().endsWith("_cpu.cl"), op + " -> " + launch);
        }
    }

    /** A constant B (a weight) is packed once on a CPU device, into a kept buffer that holds every panel, zero-padded; a GPU ignores it. */
    @ParameterizedTest(name = "width={0}")
    @ValueSource(ints = {16, 8, 4})
    void aConstantWeightIsPackedOnceOnCpus(int width) {
        var op = new Op.Matmul(2, 13, 33, 2049, false, true, true, Activation.GELU);
        List<KernelLaunch> launches = DeviceKernels.launches(op, cpu(4096, 1 << 20, width), java.util.Set.of(2));
        assertEquals(2, launches.size(), launches.toString());
        KernelLaunch pack = launches.get(0), product = launches.get(1);
        long panels = (33 + 2 * width - 1) / (2 * width);
        var kept = new KernelArg.Kept(0, 2 * panels * 2 * width * 2049);
        assertTrue(pack.once() && !product.once(), launches.toString());
        assertEquals(List.of(kept, new Tensor(2)), pack.args().subList(0, 2));
        assertEquals(kept, product.args().get(2));
        assertEquals(pack.program(), product.program());
        assertTrue(product.program().defines().contains("PACKED_B=1"), product.toString());
        assertArrayEquals(new long[] {panels, 2}, pack.global());
        assertEquals(java.util.Map.of(0, kept.floats()), KernelLaunch.keptFloats(launches));

        assertEquals(List.of(new Tensor(2)), only(op, cpu(4096, 1 << 20, width)).args().subList(2, 3), "B not constant: packed per run");
        assertEquals(DeviceKernels.launches(op, gpu(1024, 48 * 1024)).toString(),
                DeviceKernels.launches(op, gpu(1024, 48 * 1024), java.util.Set.of(2)).toString());
    }

    /** 11 rows per register block with 16-float vectors; narrower, one row fewer where that computes fewer rows past m (67 rows: 12 blocks of 6, or 14 of 5). */
    @ParameterizedTest(name = "m={0} width={1}")
    @CsvSource({"197, 16, 11", "1576, 16, 11", "67, 16, 11", "1, 16, 11", "197, 8, 6", "67, 8, 5", "1576, 4, 6"})
    void cpuRegisterBlocksLeaveFewRowsPastTheProduct(int m, int width, int rows) {
        var op = new Op.Matmul(1, m, 129, 97, false, true, false, Activation.NONE);
        assertTrue(only(op, cpu(4096, 1 << 20, width)).program().defines().contains("ROWS=" + rows));
    }

    @Test
    void scratchBuffersAreSizedForTheirLargestUse() {
        var program = new KernelProgram("add.cl", List.of());
        var small = new KernelLaunch(program, "add", new long[] {1}, new long[] {1}, List.of(new KernelArg.Scratch(0, 10)));
        var large = new KernelLaunch(program, "add", new long[] {1}, new long[] {1},
                List.of(new KernelArg.Scratch(1, 3), new KernelArg.Scratch(0, 20), new Tensor(0)));
        assertEquals(java.util.Map.of(0, 20L, 1, 3L), KernelLaunch.scratchFloats(List.of(small, large)));
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 4095, 4097, 100_000_000})
    void sumsOfSquaresAddTheirPartsUpInOneThreadLast(int n) {
        for (DeviceLimits limits : List.of(gpu(256, 32 * 1024), cpu(4096, 1 << 20, 16))) {
            List<KernelLaunch> launches = DeviceKernels.launches(new Op.AccumulateSquares(n), limits);
            assertEquals(2, launches.size());
            var partial = (KernelArg.Scratch) launches.getFirst().args().getFirst();
            int parts = ((KernelArg.Int) launches.getFirst().args().get(3)).value();
            assertTrue(parts >= 1 && parts <= 8 * limits.computeUnits() && partial.floats() == parts, launches.toString());
            assertEquals(List.of(new Tensor(0), partial, new KernelArg.Int(parts)), launches.get(1).args());
            assertArrayEquals(new long[] {1}, launches.get(1).global());
        }
    }

    @Test
    void layerNormBackwardSumsItsBandsInOrder() {
        for (DeviceLimits limits : List.of(gpu(256, 32 * 1024), cpu(4096, 1 << 20, 16))) {
            List<KernelLaunch> launches = DeviceKernels.launches(new Op.LayerNormBackward(394, 768, 1e-6f), limits);
            int bands = ((KernelArg.Int) launches.getFirst().args().getLast()).value();
            assertEquals(java.util.Map.of(0, bands * 768L, 1, bands * 768L), KernelLaunch.scratchFloats(launches));
            assertEquals(List.of(new Tensor(1), new KernelArg.Scratch(0, bands * 768L), new KernelArg.Int(bands), new KernelArg.Int(768)),
                    launches.get(1).args());
            assertEquals(List.of(new Tensor(2), new KernelArg.Scratch(1, bands * 768L), new KernelArg.Int(bands), new KernelArg.Int(768)),
                    launches.get(2).args());
        }
    }

    @ParameterizedTest(name = "preferred width {0}")
    @CsvSource({"1, 4", "2, 4", "4, 4", "8, 8", "12, 8", "16, 16"})
    void cpuVectorsAreThePreferredWidthBetween4And16(int preferred, int width) {
        KernelLaunch launch = only(new Op.Softmax(3, 100), cpu(4096, 1 << 20, preferred));
        assertEquals(List.of("WIDTH=" + width), launch.program().defines());
    }

    /** A transposed A's chunks span at most TRANSPOSED_A_SPAN bytes of it; narrow ones keep the whole panel depth. */
    @ParameterizedTest(name = "m={0}")
    @CsvSource({"96, 2048", "288, 2048", "1536, 512", "1152, 682", "300000, 2"})
    void cpuTransposedAChunksSpanABoundedPartOfA(int m, int depth) {
        var op = new Op.Matmul(1, m, 384, 6304, true, false, false, Activation.NONE);
        assertTrue(only(op, cpu(4096, 1048576, 16)).program().defines().contains("DEPTH=" + depth));
    }

    @ParameterizedTest(name = "width {0}, local memory {1}")
    @CsvSource({"16, 1048576, 11, 2048", "16, 32768, 11, 256", "8, 1048576, 5, 4096", "4, 4096, 5, 128"})
    void cpuMatmulCoversTheOutputWithAPanelThatFitsLocalMemory(int width, long localMemory, int rows, int depth) {
        var op = new Op.Matmul(3, 67, 129, 97, false, true, false, Activation.NONE);
        KernelLaunch launch = only(op, cpu(4096, localMemory, width));
        assertEquals(List.of("WIDTH=" + width, "ROWS=" + rows, "DEPTH=" + depth, "TRANSPOSED_A=0"), launch.program().defines());
        var transposedA = new Op.Matmul(3, 67, 129, 97, true, true, false, Activation.NONE);
        assertEquals("TRANSPOSED_A=1", only(transposedA, cpu(4096, localMemory, width)).program().defines().getLast());
        long[] global = launch.global();
        assertArrayEquals(new long[] {1, 1, 1}, launch.local());
        assertTrue(global[1] * 2 * width >= 129 && global[0] >= 1 && global[0] <= (67 + rows - 1) / rows, launch.toString());
        assertEquals(3, global[2]);
    }

    @Test
    void cpuMatmulSharesTheRowsOutWhenPanelsAreFewerThanCores() {
        var limits = new DeviceLimits(DeviceType.CPU, 4096, 1 << 20, 16, 16);
        KernelLaunch few = only(Op.Matmul.linear(1576, 768, 32, Activation.NONE), limits);
        assertEquals(64, few.global()[0], few.toString()); // 4 work-items per unit over 16 units, from one panel
        KernelLaunch many = only(Op.Matmul.linear(1576, 768, 3072, Activation.NONE), limits);
        assertEquals(1, many.global()[0], many.toString());
        KernelLaunch tiny = only(Op.Matmul.linear(5, 768, 32, Activation.NONE), limits);
        assertEquals(1, tiny.global()[0], "no more shares than row blocks: " + tiny);
    }

    @ParameterizedTest(name = "patch {0}")
    @ValueSource(ints = {1, 7, 16, 32})
    void cpuPatchEmbedChunksHoldWholePatchLines(int patch) {
        KernelLaunch launch = only(new Op.PatchEmbed(1, 3, 4 * patch, 4 * patch, patch, 17), cpu(4096, 1 << 20, 16));
        int depth = Integer.parseInt(launch.program().defines().get(2).replace("DEPTH=", ""));
        assertEquals(0, depth % patch, launch.toString());
        assertTrue(depth * 2 * 16 * 4 <= CpuDeviceKernels.PANEL_BYTES, launch.toString());
        assertThrows(IllegalArgumentException.class,
                () -> DeviceKernels.launches(new Op.PatchEmbed(1, 3, 64, 64, 32, 17), cpu(4096, 2048, 16)));
    }

    @Test
    void cpuAttentionTakesOneBlockOfQueryRowsPerWorkItem() {
        KernelLaunch launch = only(new Op.Attention(2, 197, 12, 64), cpu(4096, 1 << 20, 16));
        assertArrayEquals(new long[] {13, 12, 2}, launch.global());
        assertEquals(List.of("HEAD_DIM=64", "WIDTH=16"), launch.program().defines());
    }
}
