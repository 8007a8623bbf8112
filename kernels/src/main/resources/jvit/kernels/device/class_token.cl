/* out[b] = x[b, 0]: the class token of each sequence. One thread per output element; n = batch * hidden. */
#include "portable.h"

KERNEL void class_token(GLOBAL float* out, GLOBAL const float* x, int tokens, int hidden, int n) {
    int i = GLOBAL_X;
    if (i < n) out[i] = x[(i / hidden) * tokens * hidden + i % hidden];
}
