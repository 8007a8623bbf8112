/*
 * The first launch of AccumulateSquares, acc[0] += the sum of x[i]^2, which must not depend on
 * timing (no float atomics): partial[p] = the sum of squares over part p of x, the parts `parts`
 * equal ranges in order, one work-group each. Each thread adds a strided share (neighbouring
 * threads read neighbouring addresses), then the group adds the shares in a fixed order (reduce.h).
 * accumulate_sum.cl adds the parts up.
 */
#include "portable.h"
#include "reduce.h"

KERNEL void square_sums(GLOBAL float* partial, GLOBAL const float* x, int n, int parts) {
    LOCAL float scratch[MAX_GROUP];
    int part = GROUP_X;
    int begin = (int) ((long) n * part / parts), end = (int) ((long) n * (part + 1) / parts);
    float sum = 0.0f;
    for (int i = begin + THREAD_X; i < end; i += GROUP_SIZE_X) sum += x[i] * x[i];
    GROUP_SUM(sum, sum, scratch);
    if (THREAD_X == 0) partial[part] = sum;
}
