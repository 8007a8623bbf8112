/*
 * Layer normalisation, one work-group per row. Mean and variance by the corrected two-pass
 * algorithm, like the Java kernel: deviations from a first mean, whose sum corrects it, so a
 * large mean does not cancel the variance away.
 */
#include "portable.h"
#include "reduce.h"

KERNEL void layernorm(GLOBAL float* out, GLOBAL const float* x, GLOBAL const float* gamma, GLOBAL const float* beta,
                      int dim, float eps) {
    LOCAL float scratch[MAX_GROUP];
    int t = THREAD_X, size = GROUP_SIZE_X;
    x += GROUP_X * dim;
    out += GROUP_X * dim;

    float sum = 0.0f;
    for (int i = t; i < dim; i += size) sum += x[i];
    float mean;
    GROUP_SUM(mean, sum, scratch);
    mean /= dim;

    float deviations = 0.0f, squares = 0.0f;
    for (int i = t; i < dim; i += size) {
        float d = x[i] - mean;
        deviations += d;
        squares += d * d;
    }
    float residual;
    GROUP_SUM(residual, deviations, scratch);
    GROUP_SUM(squares, squares, scratch);
    mean += residual / dim;
    float variance = FMAX(0.0f, (squares - residual * residual / dim) / dim);
    float inv = 1.0f / SQRT(variance + eps);

    for (int i = t; i < dim; i += size) out[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
}
