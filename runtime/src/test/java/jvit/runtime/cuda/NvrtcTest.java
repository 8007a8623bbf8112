package jvit.runtime.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.device.DeviceKernels;
import jvit.kernels.device.DeviceLimits;
import jvit.kernels.device.GemmEpilogue;
import jvit.kernels.device.KernelProgram;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The device kernels through NVRTC, as the CUDA backend compiles them, where NVRTC is installed
 * (no GPU needed): every program the tests and ViT-B use, at the limits of an NVIDIA GPU, to PTX
 * for Ampere and Hopper, assembled by ptxas when a toolkit is present; compile errors with the log.
 */
class NvrtcTest {
    private static final DeviceLimits GPU = new DeviceLimits(DeviceLimits.DeviceType.GPU, 1024, 48 * 1024, 132, 1);

    @TempDir
    Path dir;

    @BeforeEach
    void needsNvrtc() {
        Assumptions.assumeTrue(Nvrtc.problem().isEmpty(), () -> "no NVRTC: " + Nvrtc.problem().orElseThrow());
    }

    /** The programs of every operator at the sizes the CUDA kernel tests and ViT-B/16 use, and the cuBLAS epilogue. */
    static Set<KernelProgram> programs() {
        List<Op> ops = List.of(
                new Op.Matmul(2, 17, 31, 13, false, true, true, Activation.GELU), new Op.LayerNorm(197, 768, 1e-6f),
                new Op.Softmax(3, 197), new Op.Attention(1, 1, 1, 1), new Op.Attention(2, 17, 3, 5), new Op.Attention(1, 197, 2, 64),
                new Op.Attention(3, 65, 4, 16), new Op.Gelu(17), new Op.Add(255), new Op.LayerScale(197, 768), new Op.LayerScaleBackward(197, 768),
                new Op.TokenPool(2, 197, 768, 1, Op.Pooling.CLASS_AND_AVG), new Op.TokenPoolBackward(2, 197, 768, 1, Op.Pooling.AVGMAX),
                new Op.LatentAttention(2, 197, 1, 12, 64), new Op.LatentAttentionBackward(2, 197, 1, 12, 64),
                new Op.PatchEmbed(1, 3, 224, 224, 16, 768),
                new Op.EmbedTokens(1, 196, 768), new Op.EmbedTokens(1, 5, 196, 768, false), new Op.EmbedTokens(1, 0, 196, 768, true), new Op.ClassToken(1, 197, 768),
                new Op.ClassToken(1, 198, 768, 1), Op.Matmul.weightGradient(197, 768, 64),
                new Op.SumRows(197, 768), new Op.GeluBackward(17), new Op.LayerNormBackward(197, 768, 1e-6f),
                new Op.AttentionBackward(2, 17, 3, 5), new Op.AttentionBackward(1, 197, 2, 64), new Op.CrossEntropy(3, 10, 0.1f),
                new Op.PatchEmbedBackward(1, 3, 224, 224, 16, 768), new Op.EmbedTokensBackward(1, 196, 768),
                new Op.EmbedTokensBackward(1, 5, 196, 768, false), new Op.EmbedTokensBackward(1, 0, 196, 768, true),
                new Op.ClassTokenBackward(1, 197, 768), new Op.ClassTokenBackward(1, 198, 768, 1), new Op.Fill(1, 0), new Op.AccumulateSquares(4099),
                new Op.AdamW(17, 0.9f, 0.999f, 1e-8f, 0.05f, 1));
        Set<KernelProgram> programs = new LinkedHashSet<>();
        for (Op op : ops) DeviceKernels.launches(op, GPU).forEach(launch -> programs.add(launch.program()));
        programs.add(GemmEpilogue.launch(Op.Matmul.linear(1, 1, 1, Activation.GELU), GPU).orElseThrow().program());
        return programs;
    }

    @ParameterizedTest(name = "compute_{0}")
    @ValueSource(ints = {80, 90})
    void everyProgramCompilesToPtx(int arch) throws Exception {
        Assumptions.assumeTrue(Arrays.stream(Nvrtc.supportedArchs()).anyMatch(a -> a == arch), "NVRTC does not know " + arch);
        var target = new CompileTarget(arch, false);
        for (KernelProgram program : programs()) {
            byte[] ptx = Nvrtc.compile(program.source(), program.file(), ModuleCache.options(target, program), false);
            String text = new String(ptx, 0, ptx.length - 1, StandardCharsets.US_ASCII);
            assertEquals(0, ptx[ptx.length - 1], "PTX comes NUL-terminated, as cuModuleLoadData reads it");
            assertTrue(text.contains(".target sm_" + arch) && text.contains(".entry "), program + ":\n" + text.lines().limit(20).toList());
            assemble(program, text, arch);
        }
    }

    @Test
    void programsCompileToMachineCodeForTheDevicesArchitecture() {
        var target = new CompileTarget(80, true);
        KernelProgram program = programs().iterator().next();
        byte[] cubin = Nvrtc.compile(program.source(), program.file(), ModuleCache.options(target, program), true);
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(cubin, 4), "a CUBIN is an ELF file");
    }

    @Test
    void aCompileErrorNamesTheSourceAndShowsTheLog() {
        var broken = new KernelProgram("matmul.cl", List.of("THREADS=not_a_number"));
        var e = assertThrows(NvrtcCompileException.class, () -> Nvrtc.compile(broken.source(), broken.file(),
                ModuleCache.options(new CompileTarget(80, false), broken), false));
        assertEquals("matmul.cl", e.source());
        assertTrue(e.getMessage().startsWith("matmul.cl: nvrtcCompileProgram: NVRTC_ERROR_COMPILATION with"
                + " --gpu-architecture=compute_80 -DTHREADS=not_a_number; the compiler said:\n"), e.getMessage());
        assertTrue(e.log().contains("not_a_number"), e.log());
        var badOption = assertThrows(CudaException.class, () -> Nvrtc.compile("", "empty.cu", List.of("--no-such-option"), false));
        assertEquals("nvrtcCompileProgram: NVRTC_ERROR_INVALID_OPTION (5)", badOption.getMessage());
    }

    @Test
    void versionAndArchitecturesAreSane() {
        int version = Nvrtc.version();
        assertTrue(version >= 11_020, "NVRTC " + version);
        int[] archs = Nvrtc.supportedArchs();
        assertTrue(archs.length > 3 && Arrays.stream(archs).anyMatch(a -> a == 80), Arrays.toString(archs));
    }

    /** ptxas from the toolkit, when there is one, checks the PTX as the driver's JIT would, and reports registers. */
    private void assemble(KernelProgram program, String ptx, int arch) throws IOException, InterruptedException {
        Path ptxas = Path.of(System.getenv().getOrDefault("CUDA_HOME", "/usr/local/cuda"), "bin", "ptxas");
        if (!Files.isExecutable(ptxas)) return;
        Path source = Files.writeString(dir.resolve("program.ptx"), ptx);
        Process p = new ProcessBuilder(ptxas.toString(), "-arch=sm_" + arch, "-v", source.toString(), "-o",
                dir.resolve("program.cubin").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ptxas hung on " + program);
        assertEquals(0, p.exitValue(), program + " sm_" + arch + ":\n" + out);
        System.out.println("ptxas sm_" + arch + " " + program + ": " + out.lines().filter(l -> l.contains("Used")).toList());
    }
}
