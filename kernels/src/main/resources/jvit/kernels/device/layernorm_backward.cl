/*
 * LayerNorm's backward pass, first launch: dx of every row, and per band of rows the partial sums
 * dgamma_parts[band] = the sum over its rows of dy * xhat and dbeta_parts[band] = the sum of dy,
 * which two launches of sum_rows.cl add up in order (no float atomics: the result does not depend on
 * timing). One work-group per band, a row at a time, its threads striding along the row; a thread
 * keeps the partial sums of its own columns, so no two threads write one element. With the row's
 * statistics as the forward computes them (layernorm.h), xhat = ((x - shift) - mean) * rstd and g = dy * gamma:
 * dx = rstd * (g - mean(g) - xhat * mean(g * xhat)).
 */
#include "portable.h"
#include "layernorm.h"

KERNEL void layernorm_backward(GLOBAL float* dx, GLOBAL float* dgamma_parts, GLOBAL float* dbeta_parts, GLOBAL const float* dy,
                               GLOBAL const float* x, GLOBAL const float* gamma, int rows, int dim, float eps, int bands) {
    LOCAL float scratch[MAX_GROUP];
    int band = GROUP_X;
    dgamma_parts += band * dim;
    dbeta_parts += band * dim;
    for (int i = THREAD_X; i < dim; i += GROUP_SIZE_X) dgamma_parts[i] = dbeta_parts[i] = 0.0f;
    int end = (int) ((long) rows * (band + 1) / bands);
    for (int row = (int) ((long) rows * band / bands); row < end; row++) {
        GLOBAL const float* xr = x + row * dim;
        GLOBAL const float* dyr = dy + row * dim;
        float shift, mean, rstd;
        ROW_STATISTICS(shift, mean, rstd, xr, dim, eps, scratch);
        float g_sum = 0.0f, gx_sum = 0.0f;
        for (int i = THREAD_X; i < dim; i += GROUP_SIZE_X) {
            float xhat = ((xr[i] - shift) - mean) * rstd, d = dyr[i], g = d * gamma[i];
            g_sum += g;
            gx_sum += g * xhat;
            dgamma_parts[i] += d * xhat;
            dbeta_parts[i] += d;
        }
        GROUP_SUM(g_sum, g_sum, scratch);
        GROUP_SUM(gx_sum, gx_sum, scratch);
        float mean_g = g_sum / dim, mean_gx = gx_sum / dim;
        for (int i = THREAD_X; i < dim; i += GROUP_SIZE_X)
            dx[row * dim + i] = rstd * (dyr[i] * gamma[i] - mean_g - ((xr[i] - shift) - mean) * rstd * mean_gx);
    }
}
