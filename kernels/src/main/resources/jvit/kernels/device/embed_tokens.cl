/*
 * The token sequence: prefix tokens (class, distillation, registers), then the patches; the position
 * embedding added from token pos_from on (0, or prefix when the prefix tokens have none):
 * out[b, t] = (t < prefix ? pre[t] : patches[b, t - prefix]) + (t >= pos_from ? pos[t - pos_from] : 0).
 * One thread per output element; n = batch * (prefix + patch_count) * hidden.
 */
#include "portable.h"

KERNEL void embed_tokens(GLOBAL float* out, GLOBAL const float* patches, GLOBAL const float* pre, GLOBAL const float* pos,
                         int prefix, int pos_from, int patch_count, int hidden, int n) {
    int i = GLOBAL_X;
    if (i >= n) return;
    int tokens = prefix + patch_count;
    int b = i / (tokens * hidden), t = (i / hidden) % tokens, c = i % hidden;
    float v = t < prefix ? pre[t * hidden + c] : patches[(b * patch_count + t - prefix) * hidden + c];
    out[i] = t >= pos_from ? v + pos[(t - pos_from) * hidden + c] : v;
}
