package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** The token sequence and its gradients, as embed_tokens.cl and embed_tokens_backward.cl. */
public final class TornadoEmbedTokens {
    private TornadoEmbedTokens() {}

    /**
     * {@code out[b, t] = (t < prefix ? pre[t] : patches[b, t - prefix]) + (t >= posFrom ? pos[t - posFrom] : 0)}:
     * one work-item per element of out.
     */
    public static void forward(KernelContext context, FloatArray out, FloatArray patches, FloatArray pre, FloatArray pos,
                               int prefix, int posFrom, int patchCount, int hidden, int n) {
        int i = context.globalIdx;
        if (i < n) {
            int tokens = prefix + patchCount;
            int b = i / (tokens * hidden), t = (i / hidden) % tokens, c = i % hidden;
            float v = t < prefix ? pre.get(t * hidden + c) : patches.get((b * patchCount + t - prefix) * hidden + c);
            out.set(i, t >= posFrom ? v + pos.get((t - posFrom) * hidden + c) : v);
        }
    }

    /**
     * {@code dpatches[b, t - prefix] = dx[b, t]}, the sum over the batch of {@code dx[b, t]} into {@code dpre[t]}
     * ({@code t < prefix}) and {@code dpos[t - posFrom]} ({@code t >= posFrom}): one work-item per element of a
     * token row, adding the batch in order (the result does not depend on timing).
     */
    public static void backward(KernelContext context, FloatArray dpatches, FloatArray dpre, FloatArray dpos, FloatArray dx,
                                int batch, int prefix, int posFrom, int patchCount, int hidden) {
        int tokens = prefix + patchCount, i = context.globalIdx;
        if (i < tokens * hidden) {
            int token = i / hidden;
            float sum = 0.0f;
            for (int b = 0; b < batch; b++) {
                float v = dx.get(b * tokens * hidden + i);
                sum += v;
                if (token >= prefix) dpatches.set((b * patchCount - prefix) * hidden + i, v);
            }
            if (token >= posFrom) dpos.set(i - posFrom * hidden, sum);
            if (token < prefix) dpre.set(i, sum);
        }
    }
}
