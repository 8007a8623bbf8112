package jvit.vit.cli;

import static jvit.vit.cli.CliTest.DEMO;
import static jvit.vit.cli.CliTest.MODELS;
import static jvit.vit.cli.CliTest.vit;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jvit.vit.data.FashionMnist;
import jvit.vit.data.IdxFiles;
import jvit.vit.image.Images;
import jvit.vit.io.FloatTensor;
import jvit.vit.io.Json;
import jvit.vit.io.Safetensors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vit eval} in process: its report as text and JSON, agreement with {@code vit classify}, and one-line failures. */
class EvalCommandTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void home() {
        CliTest.home();
    }

    @Test
    void jsonReportsAccuracyCountAndTheConfusionMatrix() {
        Path data = IdxFiles.write(dir, FashionMnist.Split.TEST, 30, true);
        CliTest.Result r = vit("eval", "--model", DEMO.toString(), "--dataset", "fashion-mnist", "--data-dir", data.toString(),
                "--device", "java", "--batch", "8", "--json");
        assertEquals(0, r.status(), r.err());
        Map<?, ?> o = (Map<?, ?>) Json.parse(r.out().strip());
        assertEquals(30L, o.get("count"));
        assertEquals("test", o.get("split"));
        List<?> confusion = (List<?>) o.get("confusion");
        long sum = 0, diagonal = 0;
        for (int t = 0; t < 10; t++) {
            List<?> row = (List<?>) confusion.get(t);
            long inRow = row.stream().mapToLong(v -> (Long) v).sum();
            assertEquals(3, inRow, "synthetic labels are i % 10");
            sum += inRow;
            diagonal += (Long) row.get(t);
            Map<?, ?> perClass = (Map<?, ?>) ((List<?>) o.get("per_class")).get(t);
            assertEquals(FashionMnist.CLASSES.get(t), perClass.get("class"));
            assertEquals(((Long) row.get(t)) / 3.0, ((Number) perClass.get("accuracy")).doubleValue(), 1e-12);
        }
        assertEquals(30, sum);
        assertEquals(diagonal, o.get("correct"));
        assertEquals(diagonal / 30.0, ((Number) o.get("accuracy")).doubleValue(), 1e-12);
        assertTrue(r.err().startsWith("evaluated 30 images in "), r.err());
    }

    @Test
    void textShowsTheMatrixWithAbbreviatedClassNames() {
        Path data = IdxFiles.write(dir, FashionMnist.Split.TRAIN, 25, false);
        CliTest.Result r = vit("eval", "--model", DEMO.toString(), "--dataset", "fashion-mnist", "--split", "train", "--data-dir", data.toString(),
                "--device", "java", "--limit", "20");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.getFirst().startsWith("model " + DEMO + " ("), r.out());
        assertTrue(r.out().contains("Fashion-MNIST train split, 20 images from " + data), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("accuracy \\d+\\.\\d\\d% \\(\\d+ of 20\\)")), r.out());
        String header = lines.stream().filter(l -> l.contains("T-sh")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        assertTrue(header.matches(" {11}  T-sh  Trou  Pull  Dres  Coat  Sand  Shir  Snea   Bag  Ankl  accuracy"), header);
        String ankleBoot = lines.get(lines.indexOf(header) + 10);
        assertTrue(ankleBoot.startsWith("Ankle boot "), ankleBoot);
        assertEquals(header.length(), ankleBoot.length(), "rows line up with the header:\n" + r.out());
    }

    /** The sample PNGs as an IDX dataset: eval must predict for each what classify does for its file. */
    @Test
    void evalAgreesWithClassifyOnTheSampleImages() {
        List<Path> samples = Images.list(List.of(MODELS.resolve("samples")));
        byte[] images = IdxFiles.header(samples.size() * 784, 0x0803, samples.size(), 28, 28).array();
        byte[] labels = IdxFiles.header(samples.size(), 0x0801, samples.size()).array();
        Map<Path, Integer> truth = new LinkedHashMap<>();
        for (int i = 0; i < samples.size(); i++) {
            System.arraycopy(Images.decode(samples.get(i), 1).samples(), 0, images, 16 + i * 784, 784);
            String name = samples.get(i).getFileName().toString().replaceFirst("^\\d+-", "").replaceFirst("\\.png$", "");
            int label = FashionMnist.CLASSES.stream().map(EvalCommandTest::comparable).toList().indexOf(comparable(name));
            assertTrue(label >= 0, name);
            labels[8 + i] = (byte) label;
            truth.put(samples.get(i), label);
        }
        IdxFiles.write(dir, "t10k-images-idx3-ubyte", images, true);
        IdxFiles.write(dir, "t10k-labels-idx1-ubyte", labels, true);

        CliTest.Result classified = vit("classify", "--model", DEMO.toString(), "--device", "java", "--topk", "1", "--json", MODELS.resolve("samples").toString());
        assertEquals(0, classified.status(), classified.err());
        long[][] expected = new long[10][10];
        for (String line : classified.out().lines().toList()) {
            Map<?, ?> p = (Map<?, ?>) Json.parse(line);
            long predicted = (Long) ((Map<?, ?>) ((List<?>) p.get("top")).getFirst()).get("index");
            expected[truth.get(Path.of((String) p.get("image")))][(int) predicted]++;
        }
        CliTest.Result r = vit("eval", "--model", DEMO.toString(), "--dataset", "fashion-mnist", "--data-dir", dir.toString(), "--device", "java",
                "--batch", "3", "--json");
        assertEquals(0, r.status(), r.err());
        List<?> confusion = (List<?>) ((Map<?, ?>) Json.parse(r.out().strip())).get("confusion");
        for (int t = 0; t < 10; t++)
            assertArrayEquals(expected[t], ((List<?>) confusion.get(t)).stream().mapToLong(v -> (Long) v).toArray(), "row " + t);
    }

    /** Class names as file names can carry them: "T-shirt/top" and "t-shirt_top" are the same class. */
    private static String comparable(String label) {
        return label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", " ").trim();
    }

    @Test
    void theInstalledTestSplit() {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIRECTORY), "Fashion-MNIST is not installed");
        CliTest.Result r = vit("eval", "--dataset", "fashion-mnist", "--device", "java", "--limit", "100", "--json");
        assertEquals(0, r.status(), r.err());
        Map<?, ?> o = (Map<?, ?>) Json.parse(r.out().strip());
        assertEquals(100L, o.get("count"));
        double accuracy = ((Number) o.get("accuracy")).doubleValue();
        assertTrue(accuracy >= 0 && accuracy <= 1, o.toString());
    }

    @Test
    void aMissingDataDirectory() {
        Path none = dir.resolve("none");
        vit("eval", "--model", DEMO.toString(), "--dataset", "fashion-mnist", "--data-dir", none.toString())
                .failsWith(none.toString(), "Fashion-MNIST is not installed", "sudo apt-get install dataset-fashion-mnist", "--data-dir DIR");
    }

    @Test
    void corruptIdxFiles() throws IOException {
        IdxFiles.write(dir, FashionMnist.Split.TEST, 5, true);
        byte[] labels = IdxFiles.labels(5);
        labels[3] = 3; // magic 2051: an image file's
        Path bad = IdxFiles.write(dir, "t10k-labels-idx1-ubyte", labels, true);
        vit("eval", "--model", DEMO.toString(), "--dataset", "fashion-mnist", "--data-dir", dir.toString()).failsWith(bad.toString(), "magic number");

        IdxFiles.write(dir, "t10k-labels-idx1-ubyte", IdxFiles.labels(5), true);
        Path images = dir.resolve("t10k-images-idx3-ubyte.gz");
        byte[] gz = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(gz, gz.length - 20));
        vit("eval", "--model", DEMO.toString(), "--dataset", "fashion-mnist", "--data-dir", dir.toString()).failsWith(images.toString(), "truncated");
    }

    @Test
    void aModelOfTheWrongShape() throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"),
                Files.readString(DEMO.resolve("config.json")).replace("\"num_channels\": 1", "\"num_channels\": 3"));
        Path weights = dir.resolve("model.safetensors");
        String patch = "vit.embeddings.patch_embeddings.projection.weight";
        try (Arena arena = Arena.ofConfined(); Safetensors demo = Safetensors.open(DEMO.resolve("model.safetensors"))) {
            Map<String, FloatTensor> tensors = new LinkedHashMap<>();
            for (String name : demo.names()) {
                MemorySegment floats = demo.floats(name);
                long[] shape = demo.shape(name);
                if (name.equals(patch)) { // the grey filters for each of three channels
                    MemorySegment rgb = arena.allocate(3 * floats.byteSize());
                    long perChannel = floats.byteSize() / shape[0];
                    for (long o = 0; o < shape[0]; o++)
                        for (int c = 0; c < 3; c++) MemorySegment.copy(floats, o * perChannel, rgb, (o * 3 + c) * perChannel, perChannel);
                    tensors.put(name, new FloatTensor(new long[] {shape[0], 3, shape[2], shape[3]}, rgb));
                } else {
                    tensors.put(name, new FloatTensor(shape, floats));
                }
            }
            Safetensors.write(weights, tensors, Map.of());
        }
        vit("eval", "--model", dir.toString(), "--dataset", "fashion-mnist", "--data-dir", dir.resolve("none").toString())
                .failsWith(dir.toString(), "Fashion-MNIST needs a model with 1 channel, 28x28 images and 10 classes", "this one has 3 channels");
    }

    @Test
    void usageErrors() {
        vit("eval", "--model", DEMO.toString()).failsWith("--dataset");
        vit("eval", "--model", DEMO.toString(), "--dataset", "cifar-10").failsWith("cifar-10", "fashion-mnist");
        vit("eval", "--model", DEMO.toString(), "--dataset", "fashion-mnist", "--split", "validation").failsWith("validation", "train or test");
        vit("eval", "--model", DEMO.toString(), "--dataset", "fashion-mnist", "--limit", "0").failsWith("--limit");
        vit("eval", "--model", DEMO.toString(), "--dataset", "fashion-mnist", "--batch", "-1").failsWith("--batch");
    }
}
