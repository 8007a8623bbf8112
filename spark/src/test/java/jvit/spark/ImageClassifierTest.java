package jvit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import example.ClassifyImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jvit.vit.io.Json;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transformer on {@code local[2]}, one session for the class: against {@code vit classify --json}, bad rows, one model per JVM. */
class ImageClassifierTest {
    static final Path MODELS = Path.of("..", "models").toAbsolutePath().normalize();
    static final Path MODEL = MODELS.resolve("fashion-mnist"), SAMPLES = MODELS.resolve("samples");

    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("jvit tests").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** {@code vit classify --json --topk 3} on the samples: file name to its top labels and probabilities. */
    @SuppressWarnings("unchecked")
    static Map<String, List<Map<String, Object>>> cli() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int status = jvit.vit.cli.Main.run(new PrintWriter(out), new PrintWriter(err), "classify", "--json", "--topk", "3",
                "--device", "java", "--model", MODEL.toString(), SAMPLES.toString());
        assertEquals(0, status, err.toString());
        Map<String, List<Map<String, Object>>> top = new HashMap<>();
        for (String line : out.toString().lines().toList()) {
            Map<String, Object> o = (Map<String, Object>) Json.parse(line);
            top.put(Path.of((String) o.get("image")).getFileName().toString(), (List<Map<String, Object>>) o.get("top"));
        }
        return top;
    }

    /** Each row's labels and probabilities equal the CLI's for the same file, within 1e-6. */
    static void assertSameAsCli(List<Row> rows, String pathColumn) {
        Map<String, List<Map<String, Object>>> expected = cli();
        assertEquals(expected.size(), rows.size());
        for (Row row : rows) {
            String name = row.<String>getAs(pathColumn).replaceAll(".*/", "");
            List<Map<String, Object>> top = expected.get(name);
            assertNotNull(top, name);
            assertNull(row.getAs("error"), name);
            List<String> labels = row.getList(row.fieldIndex("labels"));
            List<Double> probabilities = row.getList(row.fieldIndex("probabilities"));
            assertEquals(top.stream().map(t -> t.get("label")).toList(), labels, name);
            for (int i = 0; i < top.size(); i++)
                assertEquals((Double) top.get(i).get("probability"), probabilities.get(i), 1e-6, name + " class " + i);
        }
    }

    @Test
    void imageBytesFromBinaryFilesGiveWhatVitClassifyGives() {
        Dataset<Row> files = spark.read().format("binaryFile").load(SAMPLES.toString());
        assertSameAsCli(new ImageClassifier().setModel(MODEL.toString()).setDevice("java").transform(files).collectAsList(), "path");
    }

    @Test
    void pathsAndTheImageSourceGiveWhatVitClassifyGives() {
        Dataset<Row> paths = spark.read().format("binaryFile").load(SAMPLES.toString()).select("path");
        assertSameAsCli(new ImageClassifier().setModel(MODEL.toString()).setDevice("java").setInputCol("path")
                .transform(paths).collectAsList(), "path");
        Dataset<Row> images = spark.read().format("image").load(SAMPLES.toString());
        assertSameAsCli(new ImageClassifier().setModel(MODEL.toString()).setDevice("java").setInputCol("image")
                .transform(images).selectExpr("image.origin as origin", "labels", "probabilities", "error").collectAsList(), "origin");
    }

    @Test
    void badImagesGiveErrorRowsAndTheOthersTheirClasses(@TempDir Path dir) throws IOException {
        Files.copy(SAMPLES.resolve("0000-ankle_boot.png"), dir.resolve("good.png"));
        Files.writeString(dir.resolve("text.png"), "not an image");
        byte[] png = Files.readAllBytes(SAMPLES.resolve("0001-pullover.png"));
        Files.write(dir.resolve("truncated.png"), java.util.Arrays.copyOf(png, png.length / 2));
        Dataset<Row> files = spark.read().format("binaryFile").load(dir.toString());
        Map<String, Row> rows = new HashMap<>();
        for (Row r : new ImageClassifier().setModel(MODEL.toString()).setDevice("java").setTopK(2).setBatch(2).transform(files).collectAsList())
            rows.put(r.<String>getAs("path").replaceAll(".*/", ""), r);
        assertEquals(3, rows.size());
        assertNull(rows.get("good.png").getAs("error"));
        List<String> good = rows.get("good.png").getList(rows.get("good.png").fieldIndex("labels"));
        assertEquals(2, good.size());
        assertEquals("Ankle boot", good.getFirst());
        for (String bad : List.of("text.png", "truncated.png")) {
            Row r = rows.get(bad);
            assertNull(r.getAs("labels"), bad);
            assertNull(r.getAs("probabilities"), bad);
            assertTrue(r.<String>getAs("error").contains("image"), bad + ": " + r.getAs("error"));
        }
        Dataset<Row> missing = spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create(dir.resolve("missing.png").toString())),
                new org.apache.spark.sql.types.StructType().add("path", "string"));
        Row r = new ImageClassifier().setModel(MODEL.toString()).setDevice("java").setInputCol("path").transform(missing).first();
        assertTrue(r.<String>getAs("error").startsWith("cannot read "), r.<String>getAs("error"));
    }

    @Test
    void theModelIsLoadedOncePerJvmWhateverTheTasks(@TempDir Path dir) throws IOException {
        // A model of its own (a file: URI, so copied as from HDFS): its key is new to this JVM.
        for (String name : List.of("config.json", "model.safetensors")) Files.copy(MODEL.resolve(name), dir.resolve(name));
        int before = ExecutorClassifier.loads();
        Dataset<Row> files = spark.read().format("binaryFile").load(SAMPLES.toString()).repartition(4);
        ImageClassifier classifier = new ImageClassifier().setModel(dir.toUri().toString()).setDevice("java").setBatch(3).setLogitsCol("logits");
        List<Row> rows = classifier.transform(files).collectAsList();
        assertEquals(10, rows.size());
        assertEquals(before + 1, ExecutorClassifier.loads(), "4 partitions on 2 task threads, one model load");
        Vector logits = rows.getFirst().getAs("logits");
        assertEquals(10, logits.size());
        assertEquals(logits.argmax(), List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                "Ankle boot").indexOf(rows.getFirst().getList(rows.getFirst().fieldIndex("labels")).getFirst()));
    }

    @Test
    void theJavaApiExampleRuns() {
        List<Row> rows = ClassifyImages.classify(spark, MODEL.toString(), SAMPLES.toString()).collectAsList();
        assertEquals(10, rows.size());
        assertEquals(List.of("path", "labels", "probabilities", "error"), List.of(rows.getFirst().schema().fieldNames()));
    }

    @Test
    void wrongColumnsAndParametersAreRefusedByName() {
        Dataset<Row> files = spark.read().format("binaryFile").load(SAMPLES.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> new ImageClassifier().setModel(MODEL.toString()).setInputCol("length").transform(files));
        assertTrue(e.getMessage().contains("input column 'length' is bigint"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ImageClassifier().transform(files));
        assertTrue(e.getMessage().contains("no model"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ImageClassifier().setModel(MODEL.toString()).setLabelsCol("path").transform(files));
        assertTrue(e.getMessage().contains("column 'path' exists already"), e.getMessage());
        var missing = assertThrows(jvit.runtime.UserError.class, () -> new ImageClassifier().setModel(SAMPLES.toString()).transform(files));
        assertTrue(missing.getMessage().contains("has no config.json"), missing.getMessage());
    }
}
