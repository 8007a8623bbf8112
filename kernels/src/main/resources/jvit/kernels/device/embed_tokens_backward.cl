/*
 * EmbedTokens' gradients from dx [batch, prefix + patch_count, hidden]: dpatches[b, t - prefix] = dx[b, t]
 * for t >= prefix, and the sum over the batch of dx[b, t] into dpre[t] for t < prefix and into
 * dpos[t - pos_from] for t >= pos_from. One thread per element of a token's row
 * (n = tokens * hidden), adding the batch in order, as the Java kernel does.
 */
#include "portable.h"

KERNEL void embed_tokens_backward(GLOBAL float* dpatches, GLOBAL float* dpre, GLOBAL float* dpos, GLOBAL const float* dx,
                                  int batch, int prefix, int pos_from, int patch_count, int hidden) {
    int i = GLOBAL_X, tokens = prefix + patch_count;
    if (i >= tokens * hidden) return;
    int token = i / hidden;
    float sum = 0.0f;
    for (int b = 0; b < batch; b++) {
        float v = dx[b * tokens * hidden + i];
        sum += v;
        if (token >= prefix) dpatches[(b * patch_count - prefix) * hidden + i] = v;
    }
    if (token >= pos_from) dpos[i - pos_from * hidden] = sum;
    if (token < prefix) dpre[i] = sum;
}
