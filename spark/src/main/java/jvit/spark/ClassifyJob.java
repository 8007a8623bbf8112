package jvit.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import jvit.runtime.UserError;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vit spark classify}: the images under a path or glob through {@link ImageClassifier} as a
 * Spark job, one output row per image ({@code path}, {@code labels}, {@code probabilities},
 * {@code error}), written as Parquet or JSON lines.
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Classify the images (PNG, JPEG, BMP, GIF) under a path or glob as a Spark job; write one row per image.")
final class ClassifyJob implements Runnable {
    /** The image files jvit decodes, as the binaryFile source's file name filter. */
    static final String IMAGE_FILES = "*.{png,jpg,jpeg,bmp,gif,PNG,JPG,JPEG,BMP,GIF}";

    @Spec
    CommandSpec spec;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master: local[N], spark://HOST:PORT, yarn, k8s://... "
            + "Default: spark-submit's, else local[*].")
    String master;

    @Option(names = "--model", required = true, paramLabel = "M", description = "Model directory (config.json + model.safetensors): "
            + "local to every executor, or any Hadoop path (hdfs://, s3a://, ...).")
    String model;

    @Option(names = "--input", required = true, paramLabel = "PATH_OR_GLOB", description = "A folder, an image file or a glob of them (any Hadoop path).")
    String input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output folder; must not exist yet.")
    String output;

    @Option(names = "--format", defaultValue = "parquet", paramLabel = "parquet|json", description = "Output format (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--topk", defaultValue = "3", description = "Classes per image (default ${DEFAULT-VALUE}).")
    int topk;

    @Option(names = "--batch", defaultValue = "8", description = "Images per forward pass, per task (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--device", defaultValue = "auto", description = "Device on each executor (default ${DEFAULT-VALUE}: the fastest present there).")
    String device;

    @Option(names = "--on-failure", defaultValue = "fallback", paramLabel = "fail|fallback", description = "When an executor's device fails: "
            + "fallback (say so in its log, go on with the java device) or fail (fail the task); default ${DEFAULT-VALUE}.")
    String onFailure;

    @Option(names = "--logits", description = "Add the logits as a vector column.")
    boolean logits;

    @Override
    public void run() {
        if (topk <= 0) throw new ParameterException(spec.commandLine(), "--topk must be positive, got " + topk);
        if (batch <= 0) throw new ParameterException(spec.commandLine(), "--batch must be positive, got " + batch);
        if (!List.of("parquet", "json").contains(format))
            throw new ParameterException(spec.commandLine(), "--format must be parquet or json, not '" + format + "'");
        if (!List.of("fallback", "fail").contains(onFailure))
            throw new ParameterException(spec.commandLine(), "--on-failure must be fail or fallback, not '" + onFailure + "'");
        SparkSession.Builder builder = SparkSession.builder().appName("vit spark classify");
        if (master != null) builder.master(master);
        else if (System.getProperty("spark.master") == null) builder.master("local[*]");
        SparkSession spark = builder.getOrCreate();
        try {
            // Local tasks run in this JVM: a device it lacks is refused now, in one line, not by every task.
            if (spark.sparkContext().isLocal()) jvit.runtime.Devices.get(device);
            write(spark, spec.commandLine().getOut(), spec.commandLine().getErr());
        } finally {
            spark.stop();
        }
    }

    private void write(SparkSession spark, PrintWriter out, PrintWriter err) {
        refuseMissingInputOrExistingOutput(spark.sparkContext().hadoopConfiguration());
        Dataset<Row> files = spark.read().format("binaryFile").option("pathGlobFilter", IMAGE_FILES).load(input);
        if (files.inputFiles().length == 0)
            throw new UserError(input + ": has no image files (.png, .jpg, .jpeg, .bmp, .gif); give a folder or glob of images");
        ImageClassifier classifier = new ImageClassifier().setModel(model).setInputCol("content").setDevice(device)
                .setOnFailure(onFailure).setBatch(batch).setTopK(topk).setLogitsCol(logits ? "logits" : "");
        List<String> columns = new ArrayList<>(List.of("path", "labels", "probabilities"));
        if (logits) columns.add("logits");
        columns.add("error");
        // Spark packs small files into partitions of ~32 (it counts 4 MB to open each): thousands of
        // images would make hundreds of short tasks, each writing a file. One task per task slot instead.
        Dataset<Row> partitioned = files.coalesce(spark.sparkContext().defaultParallelism());
        Dataset<Row> rows = classifier.transform(partitioned).selectExpr(columns.toArray(String[]::new));
        // JSON lines keep null columns, so that every row has its error field.
        rows.write().format(format).option("ignoreNullFields", "false").save(output);
        Dataset<Row> written = spark.read().format(format).schema(rows.schema()).load(output);
        List<Row> errors = written.where("error is not null").select("path", "error").limit(3).collectAsList();
        long total = written.count(), failed = errors.isEmpty() ? 0 : written.where("error is not null").count();
        out.printf("%d images classified, %d not (error column), written to %s (%s)%n", total - failed, failed, output, format);
        for (Row r : errors) err.println("vit spark: " + r.getString(0) + ": " + r.getString(1));
        if (failed > errors.size()) err.println("vit spark: ... and " + (failed - errors.size()) + " more rows with errors");
    }

    /** On the driver, before Spark sees them: one line for an input that matches nothing, or an output that would be overwritten. */
    private void refuseMissingInputOrExistingOutput(Configuration conf) {
        try {
            Path in = new Path(input), to = new Path(output);
            FileStatus[] matched = in.getFileSystem(conf).globStatus(in);
            if (matched == null || matched.length == 0) throw new UserError(input + ": no such file or folder; check the path");
            if (to.getFileSystem(conf).exists(to)) throw new UserError(output + ": exists already; give a new --output folder (or remove this one)");
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("cannot read " + input + " or " + output + " (" + e.getMessage() + "); check the paths and their permissions", e);
        }
    }
}
