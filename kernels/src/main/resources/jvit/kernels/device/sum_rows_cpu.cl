/*
 * Column sums out[c] = the sum over r of in[r, c] on CPU devices: one work-item per band of WIDTH
 * columns, one vector added per row (the last cols % WIDTH columns one by one), rows in order.
 */
#include "portable.h"
#include "vectors.h"

KERNEL void sum_rows(GLOBAL float* out, GLOBAL const float* in, int rows, int cols) {
    int c0 = (int) get_global_id(0) * WIDTH;
    if (c0 >= cols) return;
    if (c0 + WIDTH <= cols) {
        VEC sum = 0.0f;
        for (int r = 0; r < rows; r++) sum += VLOAD(0, in + r * cols + c0);
        VSTORE(sum, 0, out + c0);
    } else {
        for (int c = c0; c < cols; c++) {
            float sum = 0.0f;
            for (int r = 0; r < rows; r++) sum += in[r * cols + c];
            out[c] = sum;
        }
    }
}
