package jvit.spark;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import jvit.vit.Classifier;
import jvit.vit.image.Preprocessor;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One partition's rows through its JVM's model, {@code batch} rows per forward pass: each row
 * comes out with its columns, then the top labels, their probabilities, the logits if asked for,
 * and an error (null, or why the row's image could not be classified: its labels are null then).
 */
record ClassifyPartition(ExecutorClassifier.Key model, boolean fallback, HadoopConf conf, int input, ImageInput kind, int batch, int topk,
                         boolean logits)
        implements MapPartitionsFunction<Row, Row> {

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Iterator<>() {
            private final ArrayDeque<Row> out = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                if (out.isEmpty() && rows.hasNext()) classifyNext(rows, out);
                return !out.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                return out.removeFirst();
            }
        };
    }

    /** Takes up to {@code batch} rows, decodes them here (in the task) and classifies those that decode in one pass. */
    private void classifyNext(Iterator<Row> rows, ArrayDeque<Row> out) {
        ExecutorClassifier classifier = ExecutorClassifier.get(model, conf);
        int elements = classifier.imageElements(), channels = classifier.config().channels();
        List<Row> taken = new ArrayList<>(batch);
        List<Object> results = new ArrayList<>(batch); // a float[] image to classify, then its result; or an error message
        List<float[]> images = new ArrayList<>(batch);
        while (taken.size() < batch && rows.hasNext()) {
            Row row = rows.next();
            taken.add(row);
            try {
                float[] image = new float[elements];
                Preprocessor.apply(kind.decode(row.get(input), channels, conf), classifier.config().preprocessing(),
                        MemorySegment.ofArray(image), 0);
                images.add(image);
                results.add(image);
            } catch (ImageInput.BadImage e) {
                results.add(e.getMessage());
            }
        }
        List<ExecutorClassifier.Result> classified = images.isEmpty() ? List.of() : classifier.classify(images, batch, topk, fallback);
        for (int i = 0, next = 0; i < taken.size(); i++) {
            Object r = results.get(i);
            out.add(r instanceof String error ? withResult(taken.get(i), null, error) : withResult(taken.get(i), classified.get(next++), null));
        }
    }

    private Row withResult(Row row, ExecutorClassifier.Result result, String error) {
        int n = row.length();
        Object[] values = new Object[n + (logits ? 4 : 3)];
        for (int i = 0; i < n; i++) values[i] = row.get(i);
        if (result != null) {
            values[n] = result.top().stream().map(Classifier.Score::label).toArray(String[]::new);
            values[n + 1] = result.top().stream().mapToDouble(Classifier.Score::probability).boxed().toArray(Double[]::new);
            if (logits) {
                double[] l = new double[result.logits().length];
                for (int c = 0; c < l.length; c++) l[c] = result.logits()[c];
                values[n + 2] = Vectors.dense(l);
            }
        }
        values[values.length - 1] = error;
        return RowFactory.create(values);
    }
}
