package example;

import jvit.spark.ImageClassifier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The README's example of the Java API (public API only, hence its own package): classify a folder of images with Spark. */
public final class ClassifyImages {
    private ClassifyImages() {}

    /** One row per image file under {@code images}: its path, top-3 labels and probabilities, and an error or null. */
    public static Dataset<Row> classify(SparkSession spark, String model, String images) {
        Dataset<Row> files = spark.read().format("binaryFile").load(images); // columns path, modificationTime, length, content
        return new ImageClassifier()
                .setModel(model)          // a model directory on every executor, or hdfs://..., s3a://...
                .setInputCol("content")
                .setTopK(3)
                .setBatch(8)              // images per forward pass, from a partition's rows
                .setDevice("auto")        // chosen on each executor
                .transform(files)
                .select("path", "labels", "probabilities", "error");
    }

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().appName("classify images").getOrCreate();
        classify(spark, args[0], args[1]).write().parquet(args[2]);
        spark.stop();
    }
}
