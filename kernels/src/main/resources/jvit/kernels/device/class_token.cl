/* out[b] = x[b, token]: one token of each sequence (the class token, DeiT's distillation token). One thread per output element; n = batch * hidden. */
#include "portable.h"

KERNEL void class_token(GLOBAL float* out, GLOBAL const float* x, int tokens, int hidden, int token, int n) {
    int i = GLOBAL_X;
    if (i < n) out[i] = x[((i / hidden) * tokens + token) * hidden + i % hidden];
}
