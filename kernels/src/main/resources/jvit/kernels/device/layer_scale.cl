/* LayerScale: out[i] = x[i] * gamma[i % dim], rows of dim; out may be x. */
#include "portable.h"

KERNEL void layer_scale(GLOBAL float* out, GLOBAL const float* x, GLOBAL const float* gamma, int dim, int n) {
    int i = GLOBAL_X;
    if (i < n) out[i] = x[i] * gamma[i % dim];
}
