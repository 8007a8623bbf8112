package jvit.vit.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void benchGemmChoosesACudaDevicesMatmul() {
        vit("bench", "kernel", "matmul", "--gemm", "fast", "--device", "java").failsWith("--gemm must be jvit or cublas, not fast");
        vit("bench", "kernel", "matmul", "--gemm", "cublas", "--device", "java").failsWith("--gemm", "java is not one");
    }

    @Test
    void devicesListsJava() {
        Result r = vit("devices");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("java ")), r.out());
    }
}
