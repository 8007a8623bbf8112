/* out[i] = gelu(x[i]) in the form numbered form (gelu.h's ACT_*); out may be x. */
#include "portable.h"
#include "gelu.h"

KERNEL void gelu_forward(GLOBAL float* out, GLOBAL const float* x, int form, int n) {
    int i = GLOBAL_X;
    if (i < n) out[i] = activate(x[i], form);
}
