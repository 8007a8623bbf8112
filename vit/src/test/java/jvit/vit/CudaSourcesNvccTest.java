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

    /** The ops of a forward pass of {@code c} (ForwardGraph's), and the catalogue's softmax and GELU, which it does not use. */
    static List<Op> ops(ViTConfig c) {
        int batch = 2, h = c.hidden(), rows = batch * c.tokens();
        return List.of(
                new Op.PatchEmbed(batch, c.channels(), c.imageSize(), c.imageSize(), c.patchSize(), h),
                new Op.EmbedTokens(batch, c.grid() * c.grid(), h),
                new Op.LayerNorm(rows, h, (float) c.layerNormEps()),
                Op.Matmul.linear(rows, h, 3 * h, Activation.NONE),
                new Op.Matmul(1, rows, 3 * h, h, true, false, Activation.NONE),
                new Op.Attention(batch, c.tokens(), c.heads(), c.headDim()),
                Op.Matmul.linear(rows, h, c.mlpDim(), Activation.GELU),
                new Op.Add((long) rows * h),
                new Op.ClassToken(batch, c.tokens(), h),
                new Op.Softmax(batch, c.numLabels()),
                new Op.Gelu((long) rows * c.mlpDim()));
    }

    /** Every program the presets need on a GPU: each op's kernel, and for matmuls the epilogue that follows cuBLAS. */
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
        Set<Class<?>> withKernels = new LinkedHashSet<>(List.of(Op.class.getPermittedSubclasses()));
        withKernels.removeAll(DeviceKernels.WITHOUT_DEVICE_KERNEL);
        assertEquals(withKernels, covered, "every operator of the catalogue that has a device kernel");
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
