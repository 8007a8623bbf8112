/*
 * Layer normalisation on CPU devices: one work-item per row, the row in vectors of WIDTH floats
 * (the last dim % WIDTH one by one), its statistics as layernorm_cpu.h computes them.
 */
#include "portable.h"
#include "layernorm_cpu.h"

KERNEL void layernorm(GLOBAL float* out, GLOBAL const float* x, GLOBAL const float* gamma, GLOBAL const float* beta,
                      int rows, int dim, float eps) {
    int row = (int) get_global_id(0);
    if (row >= rows) return;
    x += row * dim;
    out += row * dim;
    float shift, mean, rstd;
    row_statistics(x, dim, eps, &shift, &mean, &rstd);
    int whole = dim - dim % WIDTH;
    for (int i = 0; i < whole; i += WIDTH)
        VSTORE(((VLOAD(0, x + i) - shift) - mean) * rstd * VLOAD(0, gamma + i) + VLOAD(0, beta + i), 0, out + i);
    for (int i = whole; i < dim; i++) out[i] = ((x[i] - shift) - mean) * rstd * gamma[i] + beta[i];
}
