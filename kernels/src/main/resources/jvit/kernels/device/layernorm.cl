/* Layer normalisation, one work-group per row, its statistics as layernorm.h computes them. */
#include "portable.h"
#include "layernorm.h"

KERNEL void layernorm(GLOBAL float* out, GLOBAL const float* x, GLOBAL const float* gamma, GLOBAL const float* beta,
                      int dim, float eps) {
    LOCAL float scratch[MAX_GROUP];
    x += GROUP_X * dim;
    out += GROUP_X * dim;
    float shift, mean, rstd;
    ROW_STATISTICS(shift, mean, rstd, x, dim, eps, scratch);
    for (int i = THREAD_X; i < dim; i += GROUP_SIZE_X) out[i] = ((x[i] - shift) - mean) * rstd * gamma[i] + beta[i];
}
