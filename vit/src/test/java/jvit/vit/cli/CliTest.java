package jvit.vit.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jvit.vit.io.FloatTensor;
import jvit.vit.io.Npy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in process: results, and a one-line error with exit status 1 for every kind of bad input. */
class CliTest {
    static final Path MODELS = Path.of("..", "models").toAbsolutePath().normalize();
    static final Path DEMO = MODELS.resolve("demo-random");

    @TempDir
    Path dir;

    record Result(int status, String out, String err) {
        /** The error output is one line, starts with "vit: " and contains every fragment. */
        void failsWith(String... fragments) {
            assertEquals(1, status, "exit status; stderr: " + err);
            assertEquals(1, err.lines().count(), "one line on stderr: " + err);
            assertTrue(err.startsWith("vit: "), err);
            assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
            for (String f : fragments) assertTrue(err.contains(f), "stderr should contain '" + f + "': " + err);
        }
    }

    static Result vit(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int status = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(status, out.toString(), err.toString());
    }

    @BeforeAll
    static void home() {
        System.setProperty("jvit.home", MODELS.getParent().toString());
    }

    @Test
    void demoClassifiesTheSamples() {
        Result r = vit("demo", "--device", "java");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("0000-ankle_boot.png"), r.out());
        assertTrue(r.out().contains("of 10 correct"), r.out());
    }

    @Test
    void classifyPrintsTopKAsJsonLines() {
        Result r = vit("classify", "--model", DEMO.toString(), "--topk", "3", "--json", "--batch", "4", MODELS.resolve("samples").toString());
        assertEquals(0, r.status(), r.err());
        var lines = r.out().lines().toList();
        assertEquals(10, lines.size());
        var first = (java.util.Map<?, ?>) jvit.vit.io.Json.parse(lines.getFirst());
        assertTrue(first.get("image").toString().endsWith("0000-ankle_boot.png"));
        var top = (java.util.List<?>) first.get("top");
        assertEquals(3, top.size());
        double p0 = ((Number) ((java.util.Map<?, ?>) top.get(0)).get("probability")).doubleValue();
        double p1 = ((Number) ((java.util.Map<?, ?>) top.get(1)).get("probability")).doubleValue();
        assertTrue(p0 >= p1 && p0 <= 1 && p1 > 0, top.toString());
    }

    @Test
    void classifyingInBatchesGivesTheSameAnswerAsOneByOne() {
        Result batched = vit("classify", "--model", DEMO.toString(), "--json", "--batch", "3", MODELS.resolve("samples").toString());
        Result single = vit("classify", "--model", DEMO.toString(), "--json", "--batch", "1", MODELS.resolve("samples").toString());
        assertEquals(0, batched.status(), batched.err());
        var a = batched.out().lines().map(jvit.vit.io.Json::parse).toList();
        var b = single.out().lines().map(jvit.vit.io.Json::parse).toList();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            var ta = (java.util.List<?>) ((java.util.Map<?, ?>) a.get(i)).get("top");
            var tb = (java.util.List<?>) ((java.util.Map<?, ?>) b.get(i)).get("top");
            assertEquals(((java.util.Map<?, ?>) ta.get(0)).get("index"), ((java.util.Map<?, ?>) tb.get(0)).get("index"));
            assertEquals(((Number) ((java.util.Map<?, ?>) ta.get(0)).get("probability")).doubleValue(),
                    ((Number) ((java.util.Map<?, ?>) tb.get(0)).get("probability")).doubleValue(), 1e-5);
        }
    }

    @Test
    void forwardWritesLogitsOfTheRightShape() {
        Path x = dir.resolve("x.npy"), y = dir.resolve("y.npy");
        try (Arena arena = Arena.ofConfined()) {
            float[] images = new float[5 * 28 * 28];
            for (int i = 0; i < images.length; i++) images[i] = (float) Math.sin(i);
            Npy.write(x, FloatTensor.of(images, 5, 1, 28, 28));
            Result r = vit("forward", "--model", DEMO.toString(), "--input", x.toString(), "--output", y.toString(), "--batch", "2");
            assertEquals(0, r.status(), r.err());
            FloatTensor logits = Npy.read(y, arena);
            assertArrayEquals(new long[] {5, 10}, logits.shape());
            for (float v : logits.toArray()) assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void aMissingImage() {
        vit("classify", "--model", DEMO.toString(), dir.resolve("nope.png").toString()).failsWith("nope.png");
    }

    @Test
    void aFileThatIsNotAnImage() throws IOException {
        Path fake = Files.writeString(dir.resolve("fake.jpg"), "<html>not an image</html>");
        vit("classify", "--model", DEMO.toString(), fake.toString()).failsWith("fake.jpg");
    }

    @Test
    void aTruncatedCheckpoint() throws IOException {
        Path cut = dir.resolve("cut.safetensors");
        byte[] whole = Files.readAllBytes(DEMO.resolve("model.safetensors"));
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 100));
        vit("classify", "--weights", cut.toString(), "--config", DEMO.resolve("config.json").toString(), MODELS.resolve("samples").toString())
                .failsWith("cut.safetensors");
    }

    @Test
    void aCheckpointThatDoesNotMatchItsConfig() throws IOException {
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(DEMO.resolve("config.json")).replace("\"intermediate_size\": 128", "\"intermediate_size\": 96"));
        vit("classify", "--weights", DEMO.resolve("model.safetensors").toString(), "--config", config.toString(), MODELS.resolve("samples").toString())
                .failsWith("model.safetensors", "intermediate.dense.weight", "[128, 64]", "[96, 64]");
    }

    @Test
    void aConfigWhoseHiddenSizeIsNotDivisibleByTheHeads() throws IOException {
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(DEMO.resolve("config.json")).replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 5"));
        vit("classify", "--weights", DEMO.resolve("model.safetensors").toString(), "--config", config.toString(), MODELS.resolve("samples").toString())
                .failsWith("config.json", "divisible");
    }

    @Test
    void aMalformedNpy() throws IOException {
        Path x = Files.writeString(dir.resolve("x.npy"), "\u0093NUMPY garbage");
        vit("forward", "--model", DEMO.toString(), "--input", x.toString(), "--output", dir.resolve("y.npy").toString()).failsWith("x.npy");
        assertFalse(Files.exists(dir.resolve("y.npy")), "no output on failure");
    }

    @Test
    void anNpyOfTheWrongShape() {
        Path x = dir.resolve("x.npy");
        Npy.write(x, FloatTensor.of(new float[2 * 3 * 28 * 28], 2, 3, 28, 28));
        vit("forward", "--model", DEMO.toString(), "--input", x.toString(), "--output", dir.resolve("y.npy").toString())
                .failsWith("x.npy", "(2, 3, 28, 28)", "(N, 1, 28, 28)");
    }

    @Test
    void anExistingOutputSurvivesAFailedRun() throws IOException {
        Path y = Files.writeString(dir.resolve("y.npy"), "precious");
        Path x = Files.writeString(dir.resolve("x.npy"), "garbage");
        vit("forward", "--model", DEMO.toString(), "--input", x.toString(), "--output", y.toString()).failsWith("x.npy");
        assertEquals("precious", Files.readString(y));
    }

    @Test
    void usageErrors() {
        vit("classify", "--frobnicate", "x.png").failsWith("--frobnicate");
        vit("frobnicate").failsWith("frobnicate");
        vit("classify", "--topk", "0", "x.png").failsWith("--topk");
        vit("classify", "--model", DEMO.toString(), "--weights", "w", "--config", "c", "x.png").failsWith("either --model");
        vit("demo", "--device", "cuda:7").failsWith("cuda:7");
    }

    @Test
    void aModelDirectoryWithoutWeights() throws IOException {
        Files.copy(DEMO.resolve("config.json"), dir.resolve("config.json"));
        vit("classify", "--model", dir.toString(), MODELS.resolve("samples").toString()).failsWith("model.safetensors");
    }

    @Test
    void benchKernelPrintsOneJsonObject() {
        Result r = vit("bench", "kernel", "matmul", "--m", "37", "--n", "29", "--k", "53", "--runs", "2", "--warmup", "0", "--json", "--device", "java");
        assertEquals(0, r.status(), r.err());
        var o = (java.util.Map<?, ?>) jvit.vit.io.Json.parse(r.out().strip());
        assertEquals("matmul", o.get("op"));
        assertEquals("java", o.get("device"));
        assertEquals(37L, ((java.util.Map<?, ?>) o.get("shape")).get("m"));
        assertTrue(((Number) o.get("gflops")).doubleValue() > 0);
    }

    /** Skips the calling test where no OpenCL platform is installed (bin/test installs PoCL). */
    static void assumeOpenCL() {
        var opencl = jvit.runtime.Devices.backends().stream().filter(b -> b.name().equals("opencl")).findFirst().orElseThrow();
        org.junit.jupiter.api.Assumptions.assumeTrue(opencl.unavailable().isEmpty(), () -> "no OpenCL: " + opencl.unavailable().orElseThrow());
    }

    /** A kernel binary file of the demo model's programs on opencl:0, for batches up to 4. */
    Path kernelBinary() {
        assumeOpenCL();
        Path file = dir.resolve("demo.jvitk");
        Result r = vit("kernels", "build", "--device", "opencl:0", "--model", DEMO.toString(), "--batch", "4", "--out", file.toString());
        assertEquals(0, r.status(), r.err());
        // Which variants are built depends on the kind of device (the *_cpu programs on PoCL).
        long built = r.out().lines().filter(l -> l.startsWith("built ")).count();
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("built attention") && l.contains("HEAD_DIM=16")), r.out());
        assertTrue(r.out().lines().toList().getLast().startsWith("wrote " + file + ": " + built + " programs for opencl:0"), r.out());
        return file;
    }

    @Test
    void forwardFromAKernelBinaryGivesTheLogitsOfCompiledSources() {
        Path binary = kernelBinary(), x = dir.resolve("x.npy"), fromSource = dir.resolve("source.npy"), fromBinary = dir.resolve("binary.npy");
        float[] images = new float[5 * 28 * 28];
        for (int i = 0; i < images.length; i++) images[i] = (float) Math.sin(i);
        Npy.write(x, FloatTensor.of(images, 5, 1, 28, 28));
        String[] forward = {"forward", "--model", DEMO.toString(), "--input", x.toString(), "--device", "opencl:0", "--batch", "4"};
        assertEquals(0, vit(concat(forward, "--output", fromSource.toString())).status());
        Result r = vit(concat(forward, "--output", fromBinary.toString(), "--kernel-binary", binary.toString()));
        assertEquals(0, r.status(), r.err());
        try (Arena arena = Arena.ofConfined()) {
            assertArrayEquals(Npy.read(fromSource, arena).toArray(), Npy.read(fromBinary, arena).toArray());
        }
    }

    @Test
    void everyRunningCommandTakesAKernelBinary() {
        String binary = kernelBinary().toString();
        String forDefaultModel = dir.resolve("default.jvitk").toString(); // demo runs the default model on its ten samples
        assertEquals(0, vit("kernels", "build", "--device", "opencl:0", "--batch", "10", "--out", forDefaultModel).status());
        for (String[] command : List.of(
                new String[] {"demo", "--device", "opencl:0", "--kernel-binary", forDefaultModel},
                new String[] {"classify", "--model", DEMO.toString(), "--device", "opencl:0", "--kernel-binary", binary, "--batch", "4",
                        MODELS.resolve("samples").toString()},
                new String[] {"bench", "model", "--model", DEMO.toString(), "--batch", "3", "--runs", "1", "--warmup", "0",
                        "--device", "opencl:0", "--kernel-binary", binary},
                new String[] {"bench", "kernel", "attention", "--batch", "2", "--tokens", "50", "--heads", "4", "--head-dim", "16",
                        "--runs", "1", "--warmup", "0", "--device", "opencl:0", "--kernel-binary", binary})) {
            Result r = vit(command);
            assertEquals(0, r.status(), String.join(" ", command) + ": " + r.err());
        }
    }

    @Test
    void benchModelGivesEveryTaskTimeWhenAsked() {
        Result text = vit("bench", "model", "--model", DEMO.toString(), "--batch", "1", "--runs", "1", "--warmup", "0", "--device", "java",
                "--tasks");
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().lines().anyMatch(l -> l.matches("\\s+blocks\\.0\\.attn\\.qkv\\s+matmul\\s+[0-9.]+ ms")), text.out());
        Result json = vit("bench", "model", "--model", DEMO.toString(), "--batch", "1", "--runs", "1", "--warmup", "0", "--device", "java",
                "--tasks", "--json");
        assertEquals(0, json.status(), json.err());
        assertTrue(json.out().contains("\"task\":\"blocks.0.attn.qkv\""), json.out());
    }

    @Test
    void aKernelBinaryThatDoesNotFitIsRefusedInOneLine() throws IOException {
        Path binary = kernelBinary();
        vit("bench", "kernel", "softmax", "--runs", "1", "--device", "opencl:0", "--kernel-binary", binary.toString())
                .failsWith(binary.toString(), "has no program softmax", "vit kernels build");
        vit("demo", "--device", "java", "--kernel-binary", binary.toString()).failsWith(binary.toString(), "device java", "opencl:N");

        byte[] bytes = Files.readAllBytes(binary);
        bytes[16] = (byte) (bytes[16] == 'X' ? 'Y' : 'X'); // the first letter of the device's name
        withChecksum(bytes);
        Path foreign = Files.write(dir.resolve("foreign.jvitk"), bytes);
        vit("demo", "--device", "opencl:0", "--kernel-binary", foreign.toString())
                .failsWith(foreign.toString(), "was made for the device", "vit kernels build --device opencl:0");

        bytes[bytes.length / 2] ^= 1;
        Path damaged = Files.write(dir.resolve("damaged.jvitk"), bytes);
        vit("demo", "--device", "opencl:0", "--kernel-binary", damaged.toString()).failsWith(damaged.toString(), "truncated or damaged");
        vit("demo", "--device", "opencl:0", "--kernel-binary", dir.resolve("none.jvitk").toString()).failsWith("none.jvitk", "cannot read");
    }

    /** Sets the file's last four bytes to the CRC-32C of the others, as the kernel binary format has it. */
    private static void withChecksum(byte[] file) {
        var crc = new java.util.zip.CRC32C();
        crc.update(file, 0, file.length - 4);
        java.nio.ByteBuffer.wrap(file, file.length - 4, 4).putInt((int) crc.getValue());
    }

    @Test
    void kernelSourcesForAnOfflineCompilerAndTheirPacking() throws IOException {
        assumeOpenCL();
        Path sources = dir.resolve("sources");
        Result r = vit("kernels", "sources", "--device", "opencl:0", "--preset", "vit_tiny_patch16_224", "--batch", "2", "--out", sources.toString());
        assertEquals(0, r.status(), r.err());
        List<String> programs = Files.readAllLines(sources.resolve("programs.txt"));
        String attention = programs.stream().filter(l -> l.startsWith("attention")).findFirst().orElseThrow().split(" ")[0];
        assertTrue(Files.readString(sources.resolve(attention + ".cl")).contains("#define HEAD_DIM 64\n"));
        assertTrue(programs.stream().anyMatch(l -> l.startsWith("matmul") && l.endsWith(" matmul")), programs.toString());
        String first = programs.getFirst().split(" ")[0]; // the graph's first program (the products' and the patch weight's packing)
        vit("kernels", "pack", "--device", "opencl:0", "--preset", "vit_tiny_patch16_224", "--out", dir.resolve("tiny.jvitk").toString(),
                sources.toString()).failsWith("has no binary of program " + first.substring(0, first.indexOf('-')), first + ".aocx");
        assertFalse(Files.exists(dir.resolve("tiny.jvitk")));
    }

    @Test
    void kernelsUsageErrors() {
        vit("kernels", "build", "--device", "java", "--model", DEMO.toString(), "--out", dir.resolve("k").toString())
                .failsWith("device java is not an OpenCL device");
        vit("kernels", "build", "--device", "opencl:0", "--preset", "vit_base_patch16_224", "--model", DEMO.toString(), "--out", "k")
                .failsWith("either --preset or a model", "vit kernels build --help");
        vit("kernels", "build", "--device", "opencl:0", "--model", DEMO.toString()).failsWith("--out");
        vit("kernels").failsWith("build, sources or pack");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void benchGemmChoosesACudaDevicesMatmul() {
        vit("bench", "kernel", "matmul", "--gemm", "fast", "--device", "java").failsWith("--gemm must be jvit or cublas, not fast");
        vit("bench", "kernel", "matmul", "--gemm", "cublas", "--device", "java").failsWith("--gemm", "java is not one");
    }

    @Test
    void anUnknownOnFailureIsRefused() {
        vit("classify", "--model", DEMO.toString(), "--on-failure", "retry", MODELS.resolve("samples").toString())
                .failsWith("--on-failure 'retry'", "fail or fallback");
    }

    @Test
    void devicesListsJava() {
        Result r = vit("devices");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("java ")), r.out());
        // what --device auto picks: the only device, or for the default model and ViT-B/16 one of those present
        assertTrue(r.out().contains("--device auto: java (the only device)")
                || r.out().lines().filter(l -> l.matches("    (the default model .*|ViT-B/16 224), batch 1: \\S+ \\(.*")).count() == 2, r.out());
    }
}
