/*
 * LayerNorm's backward pass on CPU devices, first launch (see layernorm_backward.cl): one work-item
 * per band of rows, a row at a time in vectors of WIDTH floats (the last dim % WIDTH one by one),
 * its statistics as the forward computes them (layernorm_cpu.h), the band's partial dgamma and dbeta
 * kept in its own rows of dgamma_parts and dbeta_parts (in cache: they are dim floats each).
 */
#include "portable.h"
#include "layernorm_cpu.h"

KERNEL void layernorm_backward(GLOBAL float* dx, GLOBAL float* dgamma_parts, GLOBAL float* dbeta_parts, GLOBAL const float* dy,
                               GLOBAL const float* x, GLOBAL const float* gamma, int rows, int dim, float eps, int bands) {
    int band = (int) get_global_id(0);
    if (band >= bands) return;
    dgamma_parts += band * dim;
    dbeta_parts += band * dim;
    int whole = dim - dim % WIDTH;
    for (int i = 0; i < dim; i++) dgamma_parts[i] = dbeta_parts[i] = 0.0f;
    int end = (int) ((long) rows * (band + 1) / bands);
    for (int row = (int) ((long) rows * band / bands); row < end; row++) {
        GLOBAL const float* xr = x + row * dim;
        GLOBAL const float* dyr = dy + row * dim;
        GLOBAL float* dxr = dx + row * dim;
        float shift, mean, rstd;
        row_statistics(xr, dim, eps, &shift, &mean, &rstd);

        VEC g_sums = 0.0f, gx_sums = 0.0f;
        for (int i = 0; i < whole; i += WIDTH) {
            VEC xhat = ((VLOAD(0, xr + i) - shift) - mean) * rstd, d = VLOAD(0, dyr + i), g = d * VLOAD(0, gamma + i);
            g_sums += g;
            gx_sums = fma(g, xhat, gx_sums);
            VSTORE(fma(d, xhat, VLOAD(0, dgamma_parts + i)), 0, dgamma_parts + i);
            VSTORE(VLOAD(0, dbeta_parts + i) + d, 0, dbeta_parts + i);
        }
        float g_sum = lanes_sum(g_sums), gx_sum = lanes_sum(gx_sums);
        for (int i = whole; i < dim; i++) {
            float xhat = ((xr[i] - shift) - mean) * rstd, d = dyr[i], g = d * gamma[i];
            g_sum += g;
            gx_sum += g * xhat;
            dgamma_parts[i] += d * xhat;
            dbeta_parts[i] += d;
        }

        float mean_g = g_sum / dim, mean_gx = gx_sum / dim;
        for (int i = 0; i < whole; i += WIDTH) {
            VEC xhat = ((VLOAD(0, xr + i) - shift) - mean) * rstd;
            VSTORE(rstd * (VLOAD(0, dyr + i) * VLOAD(0, gamma + i) - mean_g - xhat * mean_gx), 0, dxr + i);
        }
        for (int i = whole; i < dim; i++) dxr[i] = rstd * (dyr[i] * gamma[i] - mean_g - ((xr[i] - shift) - mean) * rstd * mean_gx);
    }
}
