/* out[i] = a[i] + b[i]; out may be a or b (residual connections). */
#include "portable.h"

KERNEL void add(GLOBAL float* out, GLOBAL const float* a, GLOBAL const float* b, int n) {
    int i = GLOBAL_X;
    if (i < n) out[i] = a[i] + b[i];
}
