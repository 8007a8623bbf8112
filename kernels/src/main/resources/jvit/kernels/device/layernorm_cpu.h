/*
 * A row's mean and 1 / sqrt(variance + eps) for the LayerNorm kernels on CPU devices (forward and
 * backward must agree), in vectors of WIDTH floats (the last dim % WIDTH one by one): the corrected
 * two-pass algorithm, as layernorm.h and the Java kernel: deviations from a first mean, whose sum
 * corrects it, so that a large mean does not cancel the variance away.
 */
#ifndef JVIT_LAYERNORM_CPU_H
#define JVIT_LAYERNORM_CPU_H

#include "portable.h"
#include "vectors.h"

static inline void row_statistics(GLOBAL const float* x, int dim, float eps, float* mean_out, float* rstd_out) {
    int whole = dim - dim % WIDTH;
    VEC sums = 0.0f;
    for (int i = 0; i < whole; i += WIDTH) sums += VLOAD(0, x + i);
    float sum = lanes_sum(sums);
    for (int i = whole; i < dim; i++) sum += x[i];
    float mean = sum / dim;

    VEC deviation_sums = 0.0f, square_sums = 0.0f;
    for (int i = 0; i < whole; i += WIDTH) {
        VEC d = VLOAD(0, x + i) - mean;
        deviation_sums += d;
        square_sums = fma(d, d, square_sums);
    }
    float deviations = lanes_sum(deviation_sums), squares = lanes_sum(square_sums);
    for (int i = whole; i < dim; i++) {
        float d = x[i] - mean;
        deviations += d;
        squares += d * d;
    }
    *mean_out = mean + deviations / dim;
    *rstd_out = 1.0f / sqrt(fmax(0.0f, (squares - deviations * deviations / dim) / dim) + eps);
}

#endif
