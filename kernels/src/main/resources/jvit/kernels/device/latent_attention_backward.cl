/*
 * LatentAttention's gradients, as LatentAttention.java: with s_t = q.k_t * scale, p = softmax(s),
 * dp_t = dout.v_t and ds_t = p_t (dp_t - sum p.dp): dq = scale * sum ds_t k_t (one row per sequence),
 * dk_t = ds_t q * scale, dv_t = p_t dout, zero before from. One thread per (sequence, head), n = batch * heads:
 * few threads, but the work is small (one pass over the last tokens per image, d times for dq).
 */
#include "portable.h"

DEVICE float latent_score(GLOBAL const float* qh, GLOBAL const float* key, int d, float scale) {
    float s = 0.0f;
    for (int e = 0; e < d; e++) s += qh[e] * key[e];
    return s * scale;
}

KERNEL void latent_attention_backward(GLOBAL float* dq, GLOBAL float* dkv, GLOBAL const float* dout, GLOBAL const float* q,
                                      GLOBAL const float* kv, int tokens, int from, int heads, int d, float scale, int n) {
    int i = GLOBAL_X;
    if (i >= n) return;
    int width = heads * d, b = i / heads, h = i % heads;
    GLOBAL const float* seq = kv + b * tokens * 2 * width + h * d;
    GLOBAL float* dseq = dkv + b * tokens * 2 * width + h * d;
    GLOBAL const float* g = dout + b * width + h * d;
    GLOBAL const float* qh = q + h * d;
    float max = -INFINITY;
    for (int t = from; t < tokens; t++) max = FMAX(max, latent_score(qh, seq + t * 2 * width, d, scale));
    float sum = 0.0f;
    for (int t = from; t < tokens; t++) sum += EXP(latent_score(qh, seq + t * 2 * width, d, scale) - max);
    float pdp = 0.0f;
    for (int t = from; t < tokens; t++) {
        float p = EXP(latent_score(qh, seq + t * 2 * width, d, scale) - max) / sum, dp = 0.0f;
        for (int e = 0; e < d; e++) dp += g[e] * seq[t * 2 * width + width + e];
        pdp += p * dp;
    }
    for (int t = 0; t < tokens; t++) {
        float p = 0.0f, ds = 0.0f;
        if (t >= from) {
            p = EXP(latent_score(qh, seq + t * 2 * width, d, scale) - max) / sum;
            float dp = 0.0f;
            for (int e = 0; e < d; e++) dp += g[e] * seq[t * 2 * width + width + e];
            ds = p * (dp - pdp);
        }
        for (int e = 0; e < d; e++) {
            dseq[t * 2 * width + e] = ds * qh[e] * scale;
            dseq[t * 2 * width + width + e] = p * g[e];
        }
    }
    for (int j = 0; j < d; j++) {
        float acc = 0.0f;
        for (int t = from; t < tokens; t++) {
            float p = EXP(latent_score(qh, seq + t * 2 * width, d, scale) - max) / sum, dp = 0.0f;
            for (int e = 0; e < d; e++) dp += g[e] * seq[t * 2 * width + width + e];
            acc += p * (dp - pdp) * seq[t * 2 * width + j];
        }
        dq[b * width + h * d + j] = acc * scale;
    }
}
