/*
 * LayerScale's gamma gradient dgamma[c] = the sum over r of dy[r, c] * x[r, c], in [rows, dim]: the
 * shape of sum_rows.cl (a work-group of GROUP_SIZE_X columns by GROUP_SIZE_Y row shares, the shares
 * added in order by the first row of threads), so the result does not depend on timing.
 */
#include "portable.h"
#include "reduce.h"

KERNEL void layer_scale_backward(GLOBAL float* dgamma, GLOBAL const float* dy, GLOBAL const float* x, int rows, int dim) {
    LOCAL float shares[MAX_GROUP];
    int c = GROUP_X * GROUP_SIZE_X + THREAD_X;
    float sum = 0.0f;
    if (c < dim)
        for (int r = THREAD_Y; r < rows; r += GROUP_SIZE_Y) sum += dy[r * dim + c] * x[r * dim + c];
    shares[THREAD_Y * GROUP_SIZE_X + THREAD_X] = sum;
    BARRIER();
    if (THREAD_Y == 0 && c < dim) {
        for (int y = 1; y < GROUP_SIZE_Y; y++) sum += shares[y * GROUP_SIZE_X + THREAD_X];
        dgamma[c] = sum;
    }
}
