package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;
import jvit.kernels.Op.Pooling;

/**
 * Global pooling over the tokens of each sequence, the input of a classification head when it
 * reads more than the class token (timm's {@code global_pool} avg, max, avgmax; Hugging Face
 * Dinov2's class token and mean), and its gradient. Sums run over the tokens in order, so the
 * device kernels, which do the same, agree to the bit on a CPU. The work is one pass over the
 * last block's output per image: too little to split over cores.
 */
public final class TokenPool {
    private TokenPool() {}

    /** {@code out[b]} from the tokens {@code [prefix, tokens)} of {@code x[b]}; x {@code [batch, tokens, hidden]}. */
    public static void forward(MemorySegment out, MemorySegment x, int batch, int tokens, int hidden, int prefix, Pooling pooling) {
        int width = pooling.width(hidden);
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < hidden; c++) {
                long first = (long) b * tokens * hidden + c;
                float sum = 0, max = F32.get(x, first + (long) prefix * hidden);
                for (int t = prefix; t < tokens; t++) {
                    float v = F32.get(x, first + (long) t * hidden);
                    sum += v;
                    if (v > max) max = v;
                }
                float mean = sum / (tokens - prefix);
                long o = (long) b * width + c;
                switch (pooling) {
                    case AVG -> F32.set(out, o, mean);
                    case MAX -> F32.set(out, o, max);
                    case AVGMAX -> F32.set(out, o, 0.5f * (max + mean));
                    case CLASS_AND_AVG -> {
                        F32.set(out, o, F32.get(x, first));
                        F32.set(out, o + hidden, mean);
                    }
                }
            }
    }

    /**
     * Gradient of {@link #forward}: each pooled token gets {@code dy/n} of the mean, the maxima
     * {@code dy} of the maximum shared equally among ties (as PyTorch's {@code amax}), the class
     * token of {@code CLASS_AND_AVG} its own part of {@code dy}; other prefix tokens zero.
     */
    public static void backward(MemorySegment dx, MemorySegment dy, MemorySegment x, int batch, int tokens, int hidden, int prefix,
                                Pooling pooling) {
        int width = pooling.width(hidden), n = tokens - prefix;
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < hidden; c++) {
                long first = (long) b * tokens * hidden + c, o = (long) b * width + c;
                float max = F32.get(x, first + (long) prefix * hidden);
                int ties = 0;
                for (int t = prefix; t < tokens; t++) {
                    float v = F32.get(x, first + (long) t * hidden);
                    if (v > max) {
                        max = v;
                        ties = 0;
                    }
                    if (v == max) ties++;
                }
                float g = F32.get(dy, pooling == Pooling.CLASS_AND_AVG ? o + hidden : o);
                float toMean = switch (pooling) {
                    case AVG, CLASS_AND_AVG -> g / n;
                    case MAX -> 0;
                    case AVGMAX -> 0.5f * g / n;
                };
                float toMax = switch (pooling) {
                    case MAX -> g / ties;
                    case AVGMAX -> 0.5f * g / ties;
                    case AVG, CLASS_AND_AVG -> 0;
                };
                for (int t = 0; t < tokens; t++) {
                    long i = first + (long) t * hidden;
                    float d = t < prefix ? 0 : toMean + (F32.get(x, i) == max ? toMax : 0);
                    if (t == 0 && pooling == Pooling.CLASS_AND_AVG) d = F32.get(dy, o);
                    F32.set(dx, i, d);
                }
            }
    }
}
