package jvit.vit.data;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntConsumer;
import jvit.vit.model.Inference;

/** A model's predictions on a dataset, counted: the forward pass on every image, the class of the largest logit against the label. */
public final class Evaluation {
    private Evaluation() {}

    /**
     * Runs {@code inference} on every image of {@code data} in order, in batches of its batch size,
     * and tells {@code progress} the number of images done after each batch.
     */
    public static ConfusionMatrix run(Inference inference, Dataset data, IntConsumer progress) {
        int classes = inference.config().numLabels();
        EvaluationBatches batches = new EvaluationBatches(data, inference.config().preprocessing(), inference.batch());
        ConfusionMatrix matrix = new ConfusionMatrix(classes);
        int done = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment labels = arena.allocate(ValueLayout.JAVA_FLOAT, inference.batch());
            for (int b = 0; b < batches.count(); b++) {
                int n = batches.fill(b, inference.images(), labels);
                inference.run(false);
                for (int i = 0; i < n; i++)
                    matrix.add((int) labels.getAtIndex(ValueLayout.JAVA_FLOAT, i), argmax(inference.logits(), i, classes));
                done += n;
                progress.accept(done);
            }
        }
        return matrix;
    }

    /** The class of row {@code row}'s largest logit, the first of equals; NaN logits never win. */
    static int argmax(MemorySegment logits, int row, int classes) {
        int best = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            float v = logits.getAtIndex(ValueLayout.JAVA_FLOAT, (long) row * classes + c);
            if (v > max) {
                max = v;
                best = c;
            }
        }
        return best;
    }
}
