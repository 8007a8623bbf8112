/*
 * EmbedTokens' gradients on CPU devices (see embed_tokens_backward.cl): one work-item per token,
 * its row in vectors of WIDTH floats (the last hidden % WIDTH one by one), adding the batch in order.
 */
#include "portable.h"
#include "vectors.h"

KERNEL void embed_tokens_backward(GLOBAL float* dpatches, GLOBAL float* dcls, GLOBAL float* dpos, GLOBAL const float* dx,
                                  int batch, int patch_count, int hidden) {
    int token = (int) get_global_id(0), tokens = patch_count + 1;
    if (token >= tokens) return;
    int whole = hidden - hidden % WIDTH;
    dpos += token * hidden;
    for (int c = 0; c < whole; c += WIDTH) {
        VEC sum = 0.0f;
        for (int b = 0; b < batch; b++) {
            VEC v = VLOAD(0, dx + (b * tokens + token) * hidden + c);
            sum += v;
            if (token > 0) VSTORE(v, 0, dpatches + (b * patch_count + token - 1) * hidden + c);
        }
        VSTORE(sum, 0, dpos + c);
        if (token == 0) VSTORE(sum, 0, dcls + c);
    }
    for (int c = whole; c < hidden; c++) {
        float sum = 0.0f;
        for (int b = 0; b < batch; b++) {
            float v = dx[(b * tokens + token) * hidden + c];
            sum += v;
            if (token > 0) dpatches[(b * patch_count + token - 1) * hidden + c] = v;
        }
        dpos[c] = sum;
        if (token == 0) dcls[c] = sum;
    }
}
