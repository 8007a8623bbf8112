/*
 * ClassToken's gradient on CPU devices: dx[b, token] = dcls[b], zero for the other tokens. One
 * work-item per token row (grid: tokens, batch), in vectors of WIDTH floats (the last few one by
 * one): the generic kernel's index arithmetic per element costs more than the stores.
 */
#include "portable.h"
#include "vectors.h"

KERNEL void class_token_backward(GLOBAL float* dx, GLOBAL const float* dcls, int tokens, int hidden, int token) {
    int t = (int) get_global_id(0), sequence = (int) get_global_id(1);
    if (t >= tokens) return;
    GLOBAL float* row = dx + (sequence * tokens + t) * hidden;
    GLOBAL const float* src = dcls + sequence * hidden;
    int whole = hidden - hidden % WIDTH;
    for (int c = 0; c < whole; c += WIDTH) VSTORE(t == token ? VLOAD(0, src + c) : (VEC) 0.0f, 0, row + c);
    for (int c = whole; c < hidden; c++) row[c] = t == token ? src[c] : 0.0f;
}
