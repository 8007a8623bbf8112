package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Attention of one shared query over each sequence's tokens past {@code from} (timm's
 * AttentionPoolLatent) and its gradients, as latent_attention.cl and latent_attention_backward.cl:
 * the forward one work-item per output (sequence, head, j), the backward one per (sequence, head).
 * kv is {@code [batch, tokens, 2, heads, d]}: keys, then values.
 */
public final class TornadoLatentAttention {
    private TornadoLatentAttention() {}

    /** n = batch · heads · d. */
    public static void forward(KernelContext context, FloatArray out, FloatArray q, FloatArray kv, int tokens, int from, int heads, int d,
                               float scale, int n) {
        int i = context.globalIdx;
        if (i < n) {
            int width = heads * d, b = i / width, h = (i % width) / d, j = i % d, seq = b * tokens * 2 * width + h * d;
            float max = TornadoAttention.LOWEST;
            for (int t = from; t < tokens; t++) max = TornadoMath.max(max, score(q, kv, h * d, seq + t * 2 * width, d, scale));
            float sum = 0.0f, acc = 0.0f;
            for (int t = from; t < tokens; t++) {
                float p = TornadoMath.exp(score(q, kv, h * d, seq + t * 2 * width, d, scale) - max);
                sum += p;
                acc += p * kv.get(seq + t * 2 * width + width + j);
            }
            out.set(i, acc / sum);
        }
    }

    /** n = batch · heads. */
    public static void backward(KernelContext context, FloatArray dq, FloatArray dkv, FloatArray dout, FloatArray q, FloatArray kv,
                                int tokens, int from, int heads, int d, float scale, int n) {
        int i = context.globalIdx;
        if (i < n) {
            int width = heads * d, b = i / heads, h = i % heads, seq = b * tokens * 2 * width + h * d, g = b * width + h * d;
            float max = TornadoAttention.LOWEST;
            for (int t = from; t < tokens; t++) max = TornadoMath.max(max, score(q, kv, h * d, seq + t * 2 * width, d, scale));
            float sum = 0.0f;
            for (int t = from; t < tokens; t++) sum += TornadoMath.exp(score(q, kv, h * d, seq + t * 2 * width, d, scale) - max);
            float pdp = 0.0f;
            for (int t = from; t < tokens; t++) {
                float p = TornadoMath.exp(score(q, kv, h * d, seq + t * 2 * width, d, scale) - max) / sum;
                pdp += p * score(dout, kv, g, seq + t * 2 * width + width, d, 1.0f);
            }
            for (int t = 0; t < tokens; t++) {
                float p = 0.0f, ds = 0.0f;
                if (t >= from) {
                    p = TornadoMath.exp(score(q, kv, h * d, seq + t * 2 * width, d, scale) - max) / sum;
                    ds = p * (score(dout, kv, g, seq + t * 2 * width + width, d, 1.0f) - pdp);
                }
                for (int e = 0; e < d; e++) {
                    dkv.set(seq + t * 2 * width + e, ds * q.get(h * d + e) * scale);
                    dkv.set(seq + t * 2 * width + width + e, p * dout.get(g + e));
                }
            }
            for (int j = 0; j < d; j++) {
                float acc = 0.0f;
                for (int t = from; t < tokens; t++) {
                    float p = TornadoMath.exp(score(q, kv, h * d, seq + t * 2 * width, d, scale) - max) / sum;
                    acc += p * (score(dout, kv, g, seq + t * 2 * width + width, d, 1.0f) - pdp) * kv.get(seq + t * 2 * width + j);
                }
                dq.set(g + j, acc * scale);
            }
        }
    }

    /** {@code scale · Σ_e a[at + e]·kv[key + e]}. */
    private static float score(FloatArray a, FloatArray kv, int at, int key, int d, float scale) {
        float s = 0.0f;
        for (int e = 0; e < d; e++) s += a.get(at + e) * kv.get(key + e);
        return s * scale;
    }
}
