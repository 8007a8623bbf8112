/* out[i] = gelu(x[i]), erf form; out may be x. */
#include "portable.h"
#include "gelu.h"

KERNEL void gelu_forward(GLOBAL float* out, GLOBAL const float* x, int n) {
    int i = GLOBAL_X;
    if (i < n) out[i] = gelu(x[i]);
}
