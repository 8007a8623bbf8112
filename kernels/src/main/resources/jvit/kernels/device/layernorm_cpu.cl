/*
 * Layer normalisation on CPU devices: one work-item per row, the row in vectors of WIDTH floats
 * (the last dim % WIDTH one by one). Mean and variance by the corrected two-pass algorithm, as
 * layernorm.cl and the Java kernel: deviations from a first mean, whose sum corrects it, so a
 * large mean does not cancel the variance away.
 */
#include "portable.h"
#include "vectors.h"

KERNEL void layernorm(GLOBAL float* out, GLOBAL const float* x, GLOBAL const float* gamma, GLOBAL const float* beta,
                      int rows, int dim, float eps) {
    int row = (int) get_global_id(0);
    if (row >= rows) return;
    x += row * dim;
    out += row * dim;
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
    mean += deviations / dim;
    float variance = fmax(0.0f, (squares - deviations * deviations / dim) / dim);
    float inv = 1.0f / sqrt(variance + eps);

    for (int i = 0; i < whole; i += WIDTH)
        VSTORE((VLOAD(0, x + i) - mean) * inv * VLOAD(0, gamma + i) + VLOAD(0, beta + i), 0, out + i);
    for (int i = whole; i < dim; i++) out[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
}
