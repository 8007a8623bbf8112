/*
 * A row's statistics for the LayerNorm kernels that give a row to a work-group (forward and
 * backward must agree), like the Java kernel: the row is shifted by its first value (exactly, for
 * values near it), and the mean of the shifted values and 1 / sqrt(variance + eps) follow by the
 * corrected two-pass algorithm (deviations from a first mean, whose sum corrects it). Callers
 * normalise (x - shift) - mean: a large common offset never meets the small deviations in one
 * rounding, so it costs no digits. A macro, as reduce.h's reductions are (every thread of the group
 * must reach it).
 */
#ifndef JVIT_LAYERNORM_H
#define JVIT_LAYERNORM_H

#include "portable.h"
#include "reduce.h"

#define ROW_STATISTICS(shift, mean, rstd, x, dim, eps, scratch)                                  \
    do {                                                                                         \
        (shift) = (x)[0];                                                                        \
        float sum_ = 0.0f;                                                                       \
        for (int i_ = THREAD_X; i_ < (dim); i_ += GROUP_SIZE_X) sum_ += (x)[i_] - (shift);       \
        GROUP_SUM(mean, sum_, scratch);                                                          \
        (mean) /= (dim);                                                                         \
        float deviations_ = 0.0f, squares_ = 0.0f;                                               \
        for (int i_ = THREAD_X; i_ < (dim); i_ += GROUP_SIZE_X) {                                \
            float d_ = ((x)[i_] - (shift)) - (mean);                                             \
            deviations_ += d_;                                                                   \
            squares_ += d_ * d_;                                                                 \
        }                                                                                        \
        float residual_;                                                                         \
        GROUP_SUM(residual_, deviations_, scratch);                                              \
        GROUP_SUM(squares_, squares_, scratch);                                                  \
        (mean) += residual_ / (dim);                                                             \
        (rstd) = 1.0f / SQRT(FMAX(0.0f, (squares_ - residual_ * residual_ / (dim)) / (dim)) + (eps)); \
    } while (0)

#endif
