/*
 * The first launch of AccumulateSquares on CPU devices (see square_sums.cl): one work-item per part,
 * in vectors of WIDTH floats, four sums side by side (so that the adds need not wait on each other),
 * the last few elements one by one.
 */
#include "portable.h"
#include "vectors.h"

KERNEL void square_sums(GLOBAL float* partial, GLOBAL const float* x, int n, int parts) {
    int part = (int) get_global_id(0);
    if (part >= parts) return;
    int i = (int) ((long) n * part / parts), end = (int) ((long) n * (part + 1) / parts);
    VEC s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    for (; i + 4 * WIDTH <= end; i += 4 * WIDTH) {
        VEC v0 = VLOAD(0, x + i), v1 = VLOAD(1, x + i), v2 = VLOAD(2, x + i), v3 = VLOAD(3, x + i);
        s0 = fma(v0, v0, s0);
        s1 = fma(v1, v1, s1);
        s2 = fma(v2, v2, s2);
        s3 = fma(v3, v3, s3);
    }
    float sum = lanes_sum((s0 + s1) + (s2 + s3));
    for (; i < end; i++) sum += x[i] * x[i];
    partial[part] = sum;
}
