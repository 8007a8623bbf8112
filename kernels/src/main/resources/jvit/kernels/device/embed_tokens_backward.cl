/*
 * EmbedTokens' gradients from dx [batch, 1 + patch_count, hidden]: dpatches[b, t - 1] = dx[b, t]
 * for t >= 1, dpos[t] = the sum over the batch of dx[b, t], dcls = dpos[0]. One thread per element
 * of a token's row (n = tokens * hidden), adding the batch in order, as the Java kernel does.
 */
#include "portable.h"

KERNEL void embed_tokens_backward(GLOBAL float* dpatches, GLOBAL float* dcls, GLOBAL float* dpos, GLOBAL const float* dx,
                                  int batch, int patch_count, int hidden) {
    int i = GLOBAL_X, tokens = patch_count + 1;
    if (i >= tokens * hidden) return;
    int token = i / hidden;
    float sum = 0.0f;
    for (int b = 0; b < batch; b++) {
        float v = dx[b * tokens * hidden + i];
        sum += v;
        if (token > 0) dpatches[b * patch_count * hidden + i - hidden] = v;
    }
    dpos[i] = sum;
    if (token == 0) dcls[i] = sum;
}
