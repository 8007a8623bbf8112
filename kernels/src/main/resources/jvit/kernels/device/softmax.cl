/* Softmax over each row, one work-group per row, shifted by the row maximum so exp never overflows. out may be x. */
#include "portable.h"
#include "reduce.h"

KERNEL void softmax(GLOBAL float* out, GLOBAL const float* x, int dim) {
    LOCAL float scratch[MAX_GROUP];
    int t = THREAD_X, size = GROUP_SIZE_X;
    x += GROUP_X * dim;
    out += GROUP_X * dim;

    float row_max = -INFINITY;
    for (int i = t; i < dim; i += size) row_max = FMAX(row_max, x[i]);
    GROUP_MAX(row_max, row_max, scratch); /* every thread has read its x before any writes out, which may be x */

    float sum = 0.0f;
    for (int i = t; i < dim; i += size) {
        float e = EXP(x[i] - row_max);
        out[i] = e;
        sum += e;
    }
    GROUP_SUM(sum, sum, scratch);
    float inv = 1.0f / sum;
    for (int i = t; i < dim; i += size) out[i] *= inv;
}
