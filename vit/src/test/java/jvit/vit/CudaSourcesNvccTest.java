package jvit.vit;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.device.DeviceKernels;
import jvit.kernels.device.DeviceLimits;
import jvit.kernels.device.GemmEpilogue;
import jvit.kernels.device.KernelLaunch;
import jvit.kernels.device.KernelProgram;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The device kernels as CUDA C, where the CUDA toolkit is installed (no GPU needed): every program,
 * with every set of definitions DeviceKernels chooses for the ViT presets on an NVIDIA GPU,
 * compiled by nvcc to PTX for Ampere (sm_80) and Hopper (sm_90) and assembled by ptxas, so that a
 * source CUDA C reads differently from OpenCL C fails here rather than on a GPU machine. The
 * source is the one NVRTC gets: includes expanded, the program's definitions as -D options.
 */
class CudaSourcesNvccTest {
    /** What an NVIDIA GPU reports to the CUDA backend: 1024 threads and 48 KiB of static shared memory per block. */
    private static final DeviceLimits GPU = new DeviceLimits(DeviceLimits.DeviceType.GPU, 1024, 48 * 1024, 132, 1);

    @TempDir
    Path dir;

    /**
     * The ops of a forward pass of {@code c} (ForwardGraph's), the catalogue's softmax and GELU, which it
     * does not use, and the ops of a training step (TrainingGraph's).
     */
    static List<Op> ops(ViTConfig c) {
        int batch = 2, h = c.hidden(), rows = batch * c.tokens(), patches = c.grid() * c.grid();
        float eps = (float) c.layerNormEps();
        return List.of(
                new Op.PatchEmbed(batch, c.channels(), c.imageSize(), c.imageSize(), c.patchSize(), h),
                new Op.EmbedTokens(batch, patches, h),
                new Op.LayerNorm(rows, h, eps),
                Op.Matmul.linear(rows, h, 3 * h, Activation.NONE),
                new Op.Matmul(1, rows, 3 * h, h, false, true, false, Activation.NONE),
                new Op.Attention(batch, c.tokens(), c.heads(), c.headDim()),
                Op.Matmul.linear(rows, h, c.mlpDim(), Activation.GELU),
                new Op.Add((long) rows * h),
                new Op.LayerScale(rows, h),
                new Op.LayerScaleBackward(rows, h),
                new Op.TokenPool(batch, c.tokens(), h, 1, Op.Pooling.AVGMAX),
                new Op.TokenPoolBackward(batch, c.tokens(), h, 1, Op.Pooling.AVGMAX),
                new Op.LatentAttention(batch, c.tokens(), 1, c.heads(), c.headDim()),
                new Op.LatentAttentionBackward(batch, c.tokens(), 1, c.heads(), c.headDim()),
                new Op.ClassToken(batch, c.tokens(), h),
                new Op.Softmax(batch, c.numLabels()),
                new Op.Gelu((long) rows * c.mlpDim()),
                new Op.CrossEntropy(batch, c.numLabels(), 0.1f),
                Op.Matmul.weightGradient(rows, h, 3 * h),
                new Op.SumRows(rows, 3 * h),
                new Op.GeluBackward((long) rows * c.mlpDim()),
                new Op.GeluBackward((long) rows * c.mlpDim(), Activation.QUICK_GELU),
                Op.Matmul.linear(rows, h, c.mlpDim(), Activation.GELU_TANH),
                new Op.QkSplit(rows, c.heads(), c.headDim()),
                new Op.QkMerge(rows, c.heads(), c.headDim()),
                new Op.LayerNormBackward(rows, h, eps),
                new Op.AttentionBackward(batch, c.tokens(), c.heads(), c.headDim()),
                new Op.ClassTokenBackward(batch, c.tokens(), h),
                new Op.EmbedTokensBackward(batch, patches, h),
                new Op.PatchEmbedBackward(batch, c.channels(), c.imageSize(), c.imageSize(), c.patchSize(), h),
                new Op.Fill(1, 0),
                new Op.AccumulateSquares((long) h * h),
                new Op.AdamW((long) h * h, 0.9f, 0.999f, 1e-8f, 0.05f, 1));
    }

    /** Every program the presets need on a GPU: each op's kernels, and for matmuls the epilogue that follows cuBLAS. */
    static Set<KernelProgram> presetPrograms() {
        Set<KernelProgram> programs = new LinkedHashSet<>();
        Set<Class<?>> covered = new LinkedHashSet<>();
        for (String name : ViTPresets.names()) {
            if (!name.startsWith("vit_")) continue; // the paper's names are aliases
            for (Op op : ops(ViTPresets.get(name))) {
                covered.add(op.getClass());
                DeviceKernels.launches(op, GPU).forEach(launch -> programs.add(launch.program()));
                if (op instanceof Op.Matmul m) GemmEpilogue.launch(m, GPU).map(KernelLaunch::program).ifPresent(programs::add);
            }
        }
        assertEquals(Set.of(Op.class.getPermittedSubclasses()), covered, "every operator of the catalogue");
        return programs;
    }

    @ParameterizedTest(name = "sm_{0}")
    @ValueSource(ints = {80, 90})
    void everyPresetProgramCompilesAsCudaC(int arch) throws IOException, InterruptedException {
        Path bin = cudaBin();
        List<String> compiled = new ArrayList<>();
        for (KernelProgram program : presetPrograms()) {
            String name = program.file().replace(".cl", "") + program.defines().stream().map(d -> "_" + d.replace('=', '_'))
                    .collect(Collectors.joining());
            Path source = Files.writeString(dir.resolve(name + ".cu"), program.source());
            Path ptx = dir.resolve(name + ".ptx");
            List<String> nvcc = new ArrayList<>(List.of(bin.resolve("nvcc").toString(), "--ptx", "-arch=sm_" + arch, "-x", "cu"));
            program.defines().forEach(d -> nvcc.add("-D" + d));
            nvcc.addAll(List.of(source.toString(), "-o", ptx.toString()));
            run(program + " nvcc sm_" + arch, nvcc);
            String kernel = program.source().lines().filter(l -> l.startsWith("KERNEL void ")).findFirst().orElseThrow()
                    .replaceAll("KERNEL void (\\w+)\\(.*", "$1");
            assertTrue(Files.readString(ptx).contains(".entry " + kernel + "("), program + ": no unmangled entry " + kernel);
            String usage = run(program + " ptxas sm_" + arch, List.of(bin.resolve("ptxas").toString(), "-arch=sm_" + arch, "-v",
                    ptx.toString(), "-o", dir.resolve(name + ".cubin").toString()));
            compiled.add(name + ": " + usage.lines().filter(l -> l.contains("Used")).map(l -> l.replaceAll(".*Used", "used"))
                    .collect(Collectors.joining()));
        }
        System.out.println("nvcc and ptxas, sm_" + arch + ":\n  " + String.join("\n  ", compiled));
    }

    @Test
    void thePresetsNeedOneAttentionVariantAndOneTileSize() {
        Set<KernelProgram> programs = presetPrograms();
        assertEquals(Set.of(List.of("HEAD_DIM=64", "KEYS=32")), programs.stream().filter(p -> p.file().equals("attention.cl"))
                .map(KernelProgram::defines).collect(Collectors.toSet()));
        assertEquals(Set.of(List.of("THREADS=16")), programs.stream().filter(p -> p.file().equals("matmul.cl"))
                .map(KernelProgram::defines).collect(Collectors.toSet()));
    }

    /** The toolkit's bin directory; the test is skipped without one. */
    private static Path cudaBin() {
        List<Path> candidates = new ArrayList<>();
        if (System.getenv("CUDA_HOME") != null) candidates.add(Path.of(System.getenv("CUDA_HOME"), "bin"));
        candidates.add(Path.of("/usr/local/cuda/bin"));
        Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":")).map(Path::of).forEach(candidates::add);
        Path bin = candidates.stream().filter(d -> Files.isExecutable(d.resolve("nvcc")) && Files.isExecutable(d.resolve("ptxas")))
                .findFirst().orElse(null);
        Assumptions.assumeTrue(bin != null, "no CUDA toolkit (nvcc and ptxas) in $CUDA_HOME/bin, /usr/local/cuda/bin or on PATH");
        return bin;
    }

    /** Runs a compiler; fails with its output when it fails. */
    private static String run(String what, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), what + " did not finish");
        assertEquals(0, p.exitValue(), what + " failed:\n" + out);
        return out;
    }
}
