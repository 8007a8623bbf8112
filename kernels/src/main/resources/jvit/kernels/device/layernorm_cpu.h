/*
 * A row's statistics for the LayerNorm kernels on CPU devices (forward and backward must agree), in
 * vectors of WIDTH floats (the last dim % WIDTH one by one), as layernorm.h and the Java kernel:
 * the row shifted by its first value, the mean of the shifted values and 1 / sqrt(variance + eps)
 * by the corrected two-pass algorithm. Callers normalise (x - shift) - mean, so that a large common
 * offset costs no digits.
 */
#ifndef JVIT_LAYERNORM_CPU_H
#define JVIT_LAYERNORM_CPU_H

#include "portable.h"
#include "vectors.h"

static inline void row_statistics(GLOBAL const float* x, int dim, float eps, float* shift_out, float* mean_out, float* rstd_out) {
    int whole = dim - dim % WIDTH;
    float shift = x[0];
    VEC sums = 0.0f;
    for (int i = 0; i < whole; i += WIDTH) sums += VLOAD(0, x + i) - shift;
    float sum = lanes_sum(sums);
    for (int i = whole; i < dim; i++) sum += x[i] - shift;
    float mean = sum / dim;

    VEC deviation_sums = 0.0f, square_sums = 0.0f;
    for (int i = 0; i < whole; i += WIDTH) {
        VEC d = (VLOAD(0, x + i) - shift) - mean;
        deviation_sums += d;
        square_sums = fma(d, d, square_sums);
    }
    float deviations = lanes_sum(deviation_sums), squares = lanes_sum(square_sums);
    for (int i = whole; i < dim; i++) {
        float d = (x[i] - shift) - mean;
        deviations += d;
        squares += d * d;
    }
    *shift_out = shift;
    *mean_out = mean + deviations / dim;
    *rstd_out = 1.0f / sqrt(fmax(0.0f, (squares - deviations * deviations / dim) / dim) + eps);
}

#endif
