/* ClassToken's gradient: dx[b, token] = dcls[b], zero for the other tokens. One thread per element of dx; n = batch * tokens * hidden. */
#include "portable.h"

KERNEL void class_token_backward(GLOBAL float* dx, GLOBAL const float* dcls, int tokens, int hidden, int token, int n) {
    int i = GLOBAL_X;
    if (i >= n) return;
    int t = (i / hidden) % tokens, sequence = i / (tokens * hidden);
    dx[i] = t == token ? dcls[sequence * hidden + i % hidden] : 0.0f;
}
