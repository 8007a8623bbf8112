package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Global pooling over the tokens past the prefix and its gradient, as token_pool.cl and
 * token_pool_backward.cl: one work-item per (sequence, channel), over the tokens in order;
 * pooling 0 the mean, 1 the maximum, 2 half their sum, 3 the class token then the mean.
 */
public final class TornadoTokenPool {
    private TornadoTokenPool() {}

    /** n = batch · hidden. */
    public static void forward(KernelContext context, FloatArray out, FloatArray x, int tokens, int hidden, int prefix, int pooling, int n) {
        int i = context.globalIdx;
        if (i < n) {
            int b = i / hidden, c = i % hidden, first = b * tokens * hidden + c;
            float sum = 0.0f, max = x.get(first + prefix * hidden);
            for (int t = prefix; t < tokens; t++) {
                float v = x.get(first + t * hidden);
                sum += v;
                if (v > max) max = v;
            }
            float mean = sum / (float) (tokens - prefix);
            if (pooling == 3) {
                out.set(2 * b * hidden + c, x.get(first));
                out.set(2 * b * hidden + hidden + c, mean);
            } else {
                out.set(i, pooling == 0 ? mean : pooling == 1 ? max : 0.5f * (max + mean));
            }
        }
    }

    /** n = batch · hidden. */
    public static void backward(KernelContext context, FloatArray dx, FloatArray dy, FloatArray x, int tokens, int hidden, int prefix,
                                int pooling, int n) {
        int i = context.globalIdx;
        if (i < n) {
            int b = i / hidden, c = i % hidden, first = b * tokens * hidden + c;
            float max = x.get(first + prefix * hidden);
            int ties = 0;
            for (int t = prefix; t < tokens; t++) {
                float v = x.get(first + t * hidden);
                if (v > max) {
                    max = v;
                    ties = 0;
                }
                if (v == max) ties++;
            }
            int width = pooling == 3 ? 2 * hidden : hidden, o = b * width + c;
            float g = dy.get(pooling == 3 ? o + hidden : o), count = (float) (tokens - prefix);
            float toMean = pooling == 1 ? 0.0f : pooling == 2 ? 0.5f * g / count : g / count;
            float toMax = pooling == 1 ? g / (float) ties : pooling == 2 ? 0.5f * g / (float) ties : 0.0f;
            for (int t = 0; t < tokens; t++) {
                int at = first + t * hidden;
                float d = t < prefix ? 0.0f : toMean + (x.get(at) == max ? toMax : 0.0f);
                if (t == 0 && pooling == 3) d = dy.get(o);
                dx.set(at, d);
            }
        }
    }
}
