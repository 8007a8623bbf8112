package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;

/** The largest entries of a row: argmax and top-k over logits or probabilities. */
public final class TopK {
    private TopK() {}

    /**
     * Indices of the {@code k} largest of {@code x[row·dim .. row·dim + dim)}, largest first; ties
     * go to the lower index. NaN ranks below every number.
     */
    public static int[] indices(MemorySegment x, int row, int dim, int k) {
        if (k < 1 || k > dim) throw new IllegalArgumentException("top-k needs 1 <= k <= " + dim + ", got " + k);
        long base = (long) row * dim;
        int[] best = new int[k];
        float[] value = new float[k];
        int filled = 0;
        for (int i = 0; i < dim; i++) {
            float v = F32.get(x, base + i);
            if (Float.isNaN(v)) v = Float.NEGATIVE_INFINITY;
            if (filled == k && !(v > value[k - 1])) continue;
            int at = filled < k ? filled++ : k - 1;
            while (at > 0 && v > value[at - 1]) {
                value[at] = value[at - 1];
                best[at] = best[at - 1];
                at--;
            }
            value[at] = v;
            best[at] = i;
        }
        return best;
    }

    /** Index of the largest of {@code x[row·dim .. row·dim + dim)}. */
    public static int argmax(MemorySegment x, int row, int dim) {
        return indices(x, row, dim, 1)[0];
    }
}
