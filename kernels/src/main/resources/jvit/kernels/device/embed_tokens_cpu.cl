/*
 * The token sequence on CPU devices (see embed_tokens.cl): one work-item per token (grid: tokens,
 * batch), its row in vectors of WIDTH floats.
 */
#include "portable.h"
#include "vectors.h"

KERNEL void embed_tokens(GLOBAL float* out, GLOBAL const float* patches, GLOBAL const float* pre, GLOBAL const float* pos,
                         int prefix, int pos_from, int patch_count, int hidden) {
    int t = (int) get_global_id(0), b = (int) get_global_id(1), tokens = prefix + patch_count;
    if (t >= tokens) return;
    GLOBAL const float* src = t < prefix ? pre + t * hidden : patches + (b * patch_count + t - prefix) * hidden;
    GLOBAL float* dst = out + (b * tokens + t) * hidden;
    int whole = hidden - hidden % WIDTH;
    if (t < pos_from) {
        for (int c = 0; c < whole; c += WIDTH) VSTORE(VLOAD(0, src + c), 0, dst + c);
        for (int c = whole; c < hidden; c++) dst[c] = src[c];
        return;
    }
    pos += (t - pos_from) * hidden;
    for (int c = 0; c < whole; c += WIDTH) VSTORE(VLOAD(0, src + c) + VLOAD(0, pos + c), 0, dst + c);
    for (int c = whole; c < hidden; c++) dst[c] = src[c] + pos[c];
}
