/*
 * Attention of one query q [heads * d], shared by the batch, over the tokens [from, tokens) of each
 * sequence of kv [batch, tokens, 2, heads, d] (keys, then values), as LatentAttention.java: timm's
 * AttentionPoolLatent. One thread per output (sequence, head, j), n = batch * heads * d, each
 * recomputing its head's scores: the work is one pass over the last tokens per image.
 */
#include "portable.h"

KERNEL void latent_attention(GLOBAL float* out, GLOBAL const float* q, GLOBAL const float* kv, int tokens, int from, int heads, int d,
                             float scale, int n) {
    int i = GLOBAL_X;
    if (i >= n) return;
    int width = heads * d, b = i / width, h = (i % width) / d, j = i % d;
    GLOBAL const float* seq = kv + b * tokens * 2 * width + h * d;
    GLOBAL const float* qh = q + h * d;
    float max = -INFINITY;
    for (int t = from; t < tokens; t++) {
        float s = 0.0f;
        for (int e = 0; e < d; e++) s += qh[e] * seq[t * 2 * width + e];
        max = FMAX(max, s * scale);
    }
    float sum = 0.0f, acc = 0.0f;
    for (int t = from; t < tokens; t++) {
        float s = 0.0f;
        for (int e = 0; e < d; e++) s += qh[e] * seq[t * 2 * width + e];
        float p = EXP(s * scale - max);
        sum += p;
        acc += p * seq[t * 2 * width + width + j];
    }
    out[i] = acc / sum;
}
