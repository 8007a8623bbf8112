/*
 * Column sums out[c] = the sum over r of in[r, c] (a bias's gradient), in [rows, cols]. A work-group
 * of GROUP_SIZE_X columns by GROUP_SIZE_Y row shares: each thread adds its column's rows
 * y, y + GROUP_SIZE_Y, ... (neighbouring threads read neighbouring addresses), then the first row of
 * threads adds the shares in order: the result does not depend on timing.
 */
#include "portable.h"
#include "reduce.h"

KERNEL void sum_rows(GLOBAL float* out, GLOBAL const float* in, int rows, int cols) {
    LOCAL float shares[MAX_GROUP];
    int c = GROUP_X * GROUP_SIZE_X + THREAD_X;
    float sum = 0.0f;
    if (c < cols)
        for (int r = THREAD_Y; r < rows; r += GROUP_SIZE_Y) sum += in[r * cols + c];
    shares[THREAD_Y * GROUP_SIZE_X + THREAD_X] = sum;
    BARRIER();
    if (THREAD_Y == 0 && c < cols) {
        for (int y = 1; y < GROUP_SIZE_Y; y++) sum += shares[y * GROUP_SIZE_X + THREAD_X];
        out[c] = sum;
    }
}
