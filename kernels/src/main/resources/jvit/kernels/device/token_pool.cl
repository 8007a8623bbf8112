/*
 * Global pooling over the tokens [prefix, tokens) of each sequence, as TokenPool.java: pooling 0 the
 * mean, 1 the maximum, 2 half their sum, 3 the class token then the mean (out rows of 2 * hidden).
 * One thread per (sequence, channel), over the tokens in order (neighbouring threads read
 * neighbouring channels); n = batch * hidden. The work is one pass over the last block's output.
 */
#include "portable.h"

KERNEL void token_pool(GLOBAL float* out, GLOBAL const float* x, int tokens, int hidden, int prefix, int pooling, int n) {
    int i = GLOBAL_X;
    if (i >= n) return;
    int b = i / hidden, c = i % hidden;
    GLOBAL const float* seq = x + b * tokens * hidden + c;
    float sum = 0.0f, max = seq[prefix * hidden];
    for (int t = prefix; t < tokens; t++) {
        float v = seq[t * hidden];
        sum += v;
        if (v > max) max = v;
    }
    float mean = sum / (float) (tokens - prefix);
    if (pooling == 3) {
        out[2 * b * hidden + c] = seq[0];
        out[2 * b * hidden + hidden + c] = mean;
    } else {
        out[i] = pooling == 0 ? mean : pooling == 1 ? max : 0.5f * (max + mean);
    }
}
