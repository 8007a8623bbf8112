package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** One token of each sequence and its gradient, as class_token.cl and class_token_backward.cl: one work-item per element. */
public final class TornadoClassToken {
    private TornadoClassToken() {}

    /** {@code out[b] = x[b, token]}; n = batch · hidden. */
    public static void forward(KernelContext context, FloatArray out, FloatArray x, int tokens, int hidden, int token, int n) {
        int i = context.globalIdx;
        if (i < n) out.set(i, x.get(((i / hidden) * tokens + token) * hidden + i % hidden));
    }

    /** {@code dx[b, token] = dcls[b]}, zero elsewhere; n = batch · tokens · hidden. */
    public static void backward(KernelContext context, FloatArray dx, FloatArray dcls, int tokens, int hidden, int token, int n) {
        int i = context.globalIdx;
        if (i < n) {
            int t = (i / hidden) % tokens, sequence = i / (tokens * hidden);
            dx.set(i, t == token ? dcls.get(sequence * hidden + i % hidden) : 0.0f);
        }
    }
}
