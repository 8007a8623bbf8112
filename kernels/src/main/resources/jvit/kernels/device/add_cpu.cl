/*
 * out[i] = a[i] + b[i] on CPU devices: WIDTH elements per work-item, as one vector (the last few one
 * by one). out may be a or b (residual connections). add.cl's element per work-item made 16 times
 * as many work-groups, and PoCL's cost per group was most of the time: ViT-B/16's residual adds at
 * batch 1 took 50 µs each.
 */
#include "portable.h"
#include "vectors.h"

KERNEL void add(GLOBAL float* out, GLOBAL const float* a, GLOBAL const float* b, int n) {
    long i = (long) get_global_id(0) * WIDTH; /* long: the grid's padding may pass 2^31 when n is near it */
    if (i + WIDTH <= n) VSTORE(VLOAD(0, a + i) + VLOAD(0, b + i), 0, out + i);
    else for (; i < n; i++) out[i] = a[i] + b[i];
}
