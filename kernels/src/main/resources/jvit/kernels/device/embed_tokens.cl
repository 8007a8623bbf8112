/*
 * The token sequence: out[b, 0] = cls + pos[0], out[b, 1 + i] = patches[b, i] + pos[1 + i].
 * One thread per output element; n = batch * (1 + patch_count) * hidden.
 */
#include "portable.h"

KERNEL void embed_tokens(GLOBAL float* out, GLOBAL const float* patches, GLOBAL const float* cls, GLOBAL const float* pos,
                         int patch_count, int hidden, int n) {
    int i = GLOBAL_X;
    if (i >= n) return;
    int tokens = patch_count + 1;
    int b = i / (tokens * hidden), t = (i / hidden) % tokens, c = i % hidden;
    float v = t == 0 ? cls[c] : patches[(b * patch_count + t - 1) * hidden + c];
    out[i] = v + pos[t * hidden + c];
}
