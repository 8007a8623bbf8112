/*
 * Softmax over each row on CPU devices: one work-item per row, the row in vectors of WIDTH floats
 * (the last dim % WIDTH one by one), shifted by the row maximum so exp never overflows. out may be x.
 */
#include "portable.h"
#include "vectors.h"

KERNEL void softmax(GLOBAL float* out, GLOBAL const float* x, int rows, int dim) {
    int row = (int) get_global_id(0);
    if (row >= rows) return;
    x += row * dim;
    out += row * dim;
    int whole = dim - dim % WIDTH;

    VEC maxima = -INFINITY;
    for (int i = 0; i < whole; i += WIDTH) maxima = fmax(maxima, VLOAD(0, x + i));
    float row_max = lanes_max(maxima);
    for (int i = whole; i < dim; i++) row_max = fmax(row_max, x[i]);

    VEC sums = 0.0f;
    for (int i = 0; i < whole; i += WIDTH) {
        VEC e = exp(VLOAD(0, x + i) - row_max);
        VSTORE(e, 0, out + i);
        sums += e;
    }
    float sum = lanes_sum(sums);
    for (int i = whole; i < dim; i++) {
        float e = exp(x[i] - row_max);
        out[i] = e;
        sum += e;
    }

    float inv = 1.0f / sum;
    for (int i = 0; i < whole; i += WIDTH) VSTORE(VLOAD(0, out + i) * inv, 0, out + i);
    for (int i = whole; i < dim; i++) out[i] *= inv;
}
