/*
 * The token sequence on CPU devices: out[b, 0] = cls + pos[0], out[b, 1 + i] = patches[b, i] + pos[1 + i].
 * One work-item per token (grid: tokens, batch), its row in vectors of WIDTH floats.
 */
#include "portable.h"
#include "vectors.h"

KERNEL void embed_tokens(GLOBAL float* out, GLOBAL const float* patches, GLOBAL const float* cls, GLOBAL const float* pos,
                         int patch_count, int hidden) {
    int t = (int) get_global_id(0), b = (int) get_global_id(1);
    if (t > patch_count) return;
    GLOBAL const float* src = t == 0 ? cls : patches + (b * patch_count + t - 1) * hidden;
    GLOBAL float* dst = out + (b * (patch_count + 1) + t) * hidden;
    pos += t * hidden;
    int whole = hidden - hidden % WIDTH;
    for (int c = 0; c < whole; c += WIDTH) VSTORE(VLOAD(0, src + c) + VLOAD(0, pos + c), 0, dst + c);
    for (int c = whole; c < hidden; c++) dst[c] = src[c] + pos[c];
}
