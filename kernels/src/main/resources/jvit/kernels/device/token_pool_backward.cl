/*
 * TokenPool's gradient, as TokenPool.java: the mean's share dy / n to every pooled token, the
 * maximum's dy shared by its ties (as PyTorch's amax), the class token's own dy for pooling 3,
 * zero for the other prefix tokens. One thread per (sequence, channel): it finds the maximum,
 * then writes its column of dx; n = batch * hidden.
 */
#include "portable.h"

KERNEL void token_pool_backward(GLOBAL float* dx, GLOBAL const float* dy, GLOBAL const float* x, int tokens, int hidden, int prefix,
                                int pooling, int n) {
    int i = GLOBAL_X;
    if (i >= n) return;
    int b = i / hidden, c = i % hidden, first = b * tokens * hidden + c;
    float max = x[first + prefix * hidden];
    int ties = 0;
    for (int t = prefix; t < tokens; t++) {
        float v = x[first + t * hidden];
        if (v > max) {
            max = v;
            ties = 0;
        }
        if (v == max) ties++;
    }
    int width = pooling == 3 ? 2 * hidden : hidden, o = b * width + c;
    float g = dy[pooling == 3 ? o + hidden : o], count = (float) (tokens - prefix);
    float toMean = pooling == 1 ? 0.0f : pooling == 2 ? 0.5f * g / count : g / count;
    float toMax = pooling == 1 ? g / (float) ties : pooling == 2 ? 0.5f * g / (float) ties : 0.0f;
    for (int t = 0; t < tokens; t++) {
        int at = first + t * hidden;
        dx[at] = t == 0 && pooling == 3 ? dy[o] : t < prefix ? 0.0f : toMean + (x[at] == max ? toMax : 0.0f);
    }
}
