/*
 * EmbedTokens' gradients on CPU devices (see embed_tokens_backward.cl): one work-item per token,
 * its row in vectors of WIDTH floats (the last hidden % WIDTH one by one), adding the batch in order.
 */
#include "portable.h"
#include "vectors.h"

KERNEL void embed_tokens_backward(GLOBAL float* dpatches, GLOBAL float* dpre, GLOBAL float* dpos, GLOBAL const float* dx,
                                  int batch, int prefix, int pos_from, int patch_count, int hidden) {
    int token = (int) get_global_id(0), tokens = prefix + patch_count;
    if (token >= tokens) return;
    int whole = hidden - hidden % WIDTH;
    GLOBAL float* pos_row = token >= pos_from ? dpos + (token - pos_from) * hidden : 0;
    GLOBAL float* pre_row = token < prefix ? dpre + token * hidden : 0;
    for (int c = 0; c < whole; c += WIDTH) {
        VEC sum = 0.0f;
        for (int b = 0; b < batch; b++) {
            VEC v = VLOAD(0, dx + (b * tokens + token) * hidden + c);
            sum += v;
            if (token >= prefix) VSTORE(v, 0, dpatches + (b * patch_count + token - prefix) * hidden + c);
        }
        if (pos_row) VSTORE(sum, 0, pos_row + c);
        if (pre_row) VSTORE(sum, 0, pre_row + c);
    }
    for (int c = whole; c < hidden; c++) {
        float sum = 0.0f;
        for (int b = 0; b < batch; b++) {
            float v = dx[(b * tokens + token) * hidden + c];
            sum += v;
            if (token >= prefix) dpatches[(b * patch_count + token - prefix) * hidden + c] = v;
        }
        if (pos_row) pos_row[c] = sum;
        if (pre_row) pre_row[c] = sum;
    }
}
