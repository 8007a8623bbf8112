package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;

/**
 * Attention of one learned query over each sequence's tokens (timm's {@code AttentionPoolLatent}),
 * and its gradients. It runs once per image after the last block, over {@code tokens × width}
 * values: a head per task, in plain loops, in the order the device kernels use.
 */
public final class LatentAttention {
    private LatentAttention() {}

    /** out {@code [batch, heads·d]} from q {@code [heads·d]} and kv {@code [batch, tokens, 2, heads, d]}, over tokens {@code [from, tokens)}. */
    public static void forward(MemorySegment out, MemorySegment q, MemorySegment kv, int batch, int tokens, int from, int heads, int d) {
        int width = heads * d;
        float scale = (float) (1 / Math.sqrt(d));
        Parallel.forRange(batch * heads, (lo, hi) -> {
            float[] p = new float[tokens];
            for (int bh = lo; bh < hi; bh++) {
                int b = bh / heads, h = bh % heads;
                float sum = probabilities(p, q, kv, b, h, tokens, from, heads, d, scale);
                for (int j = 0; j < d; j++) {
                    float acc = 0;
                    for (int t = from; t < tokens; t++) acc += p[t] * F32.get(kv, value(b, t, h, j, tokens, width, d));
                    F32.set(out, (long) b * width + h * d + j, acc / sum);
                }
            }
        });
    }

    /**
     * dq {@code [batch, heads·d]} (per image), dkv like kv: with {@code s_t = q·k_t/√d}, {@code p = softmax(s)},
     * {@code dp_t = dout·v_t}, {@code ds_t = p_t (dp_t - Σ p·dp)}: {@code dq = Σ ds_t k_t/√d}, {@code dk_t = ds_t q/√d},
     * {@code dv_t = p_t dout}.
     */
    public static void backward(MemorySegment dq, MemorySegment dkv, MemorySegment dout, MemorySegment q, MemorySegment kv,
                                int batch, int tokens, int from, int heads, int d) {
        int width = heads * d;
        float scale = (float) (1 / Math.sqrt(d));
        Parallel.forRange(batch * heads, (lo, hi) -> {
            float[] p = new float[tokens], ds = new float[tokens];
            for (int bh = lo; bh < hi; bh++) {
                int b = bh / heads, h = bh % heads;
                float sum = probabilities(p, q, kv, b, h, tokens, from, heads, d, scale);
                long o = (long) b * width + h * d;
                float pdp = 0;
                for (int t = from; t < tokens; t++) {
                    p[t] /= sum;
                    float dp = 0;
                    for (int j = 0; j < d; j++) dp += F32.get(dout, o + j) * F32.get(kv, value(b, t, h, j, tokens, width, d));
                    ds[t] = dp;
                    pdp += p[t] * dp;
                }
                for (int t = 0; t < tokens; t++) {
                    float g = t < from ? 0 : p[t] * (ds[t] - pdp);
                    for (int j = 0; j < d; j++) {
                        F32.set(dkv, value(b, t, h, j, tokens, width, d) - width, g * F32.get(q, h * d + j) * scale);
                        F32.set(dkv, value(b, t, h, j, tokens, width, d), t < from ? 0 : p[t] * F32.get(dout, o + j));
                    }
                    ds[t] = g;
                }
                for (int j = 0; j < d; j++) {
                    float acc = 0;
                    for (int t = from; t < tokens; t++) acc += ds[t] * F32.get(kv, value(b, t, h, j, tokens, width, d) - width);
                    F32.set(dq, o + j, acc * scale);
                }
            }
        });
    }

    /** {@code p[t] = exp(s_t - max s)} for head h of image b; returns their sum. */
    private static float probabilities(float[] p, MemorySegment q, MemorySegment kv, int b, int h, int tokens, int from, int heads,
                                       int d, float scale) {
        int width = heads * d;
        float max = Float.NEGATIVE_INFINITY;
        for (int t = from; t < tokens; t++) {
            float s = 0;
            for (int j = 0; j < d; j++) s += F32.get(q, h * d + j) * F32.get(kv, value(b, t, h, j, tokens, width, d) - width);
            p[t] = s * scale;
            max = Math.max(max, p[t]);
        }
        float sum = 0;
        for (int t = from; t < tokens; t++) {
            p[t] = (float) Math.exp(p[t] - max);
            sum += p[t];
        }
        return sum;
    }

    /** Index of {@code v[b, t, h, j]} in kv; the key is {@code width} before it. */
    private static long value(int b, int t, int h, int j, int tokens, int width, int d) {
        return ((long) b * tokens + t) * 2 * width + width + h * d + j;
    }
}
