package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;

/**
 * Softmax cross-entropy with label smoothing, fused with its gradient: the loss of each row and
 * {@code dlogits = (softmax - target) / rows}, the gradient of the mean loss.
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    /** labels: class indices as floats; target = (1 - smoothing)·onehot + smoothing / classes. */
    public static void forward(MemorySegment losses, MemorySegment dlogits, MemorySegment logits, MemorySegment labels,
                               int rows, int classes, float smoothing) {
        Parallel.forRange(rows, (from, to) -> {
            for (int r = from; r < to; r++) {
                long base = (long) r * classes;
                int label = (int) F32.get(labels, r);
                if (label < 0 || label >= classes || label != F32.get(labels, r))
                    throw new IllegalArgumentException("label " + F32.get(labels, r) + " of row " + r + " is not a class in [0, " + classes + ")");
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int c = 0; c < classes; c++) max = Math.max(max, F32.get(logits, base + c));
                for (int c = 0; c < classes; c++) sum += StrictMath.exp(F32.get(logits, base + c) - max);
                double logSum = StrictMath.log(sum) + max, loss = 0;
                for (int c = 0; c < classes; c++) {
                    double logp = F32.get(logits, base + c) - logSum;
                    double target = (c == label ? 1 - smoothing : 0) + smoothing / classes;
                    loss -= target * logp;
                    F32.set(dlogits, base + c, (float) ((StrictMath.exp(logp) - target) / rows));
                }
                F32.set(losses, r, (float) loss);
            }
        });
    }
}
