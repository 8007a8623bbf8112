package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** The token sequence and its gradients, as embed_tokens.cl and embed_tokens_backward.cl. */
public final class TornadoEmbedTokens {
    private TornadoEmbedTokens() {}

    /** {@code out[b, 0] = cls + pos[0]}, {@code out[b, 1 + i] = patches[b, i] + pos[1 + i]}: one work-item per element of out. */
    public static void forward(KernelContext context, FloatArray out, FloatArray patches, FloatArray cls, FloatArray pos,
                               int patchCount, int hidden, int n) {
        int i = context.globalIdx;
        if (i < n) {
            int tokens = patchCount + 1;
            int b = i / (tokens * hidden), t = (i / hidden) % tokens, c = i % hidden;
            float v = t == 0 ? cls.get(c) : patches.get((b * patchCount + t - 1) * hidden + c);
            out.set(i, v + pos.get(t * hidden + c));
        }
    }

    /**
     * {@code dpatches[b, t - 1] = dx[b, t]}, {@code dpos[t] = Σ_b dx[b, t]}, {@code dcls = dpos[0]}: one work-item per
     * element of a token row, adding the batch in order (the result does not depend on timing).
     */
    public static void backward(KernelContext context, FloatArray dpatches, FloatArray dcls, FloatArray dpos, FloatArray dx,
                                int batch, int patchCount, int hidden) {
        int i = context.globalIdx, tokens = patchCount + 1;
        if (i < tokens * hidden) {
            int token = i / hidden;
            float sum = 0.0f;
            for (int b = 0; b < batch; b++) {
                float v = dx.get(b * tokens * hidden + i);
                sum += v;
                if (token > 0) dpatches.set(b * patchCount * hidden + i - hidden, v);
            }
            dpos.set(i, sum);
            if (token == 0) dcls.set(i, sum);
        }
    }
}
