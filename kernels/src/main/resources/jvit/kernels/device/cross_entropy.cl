/*
 * Softmax cross-entropy with label smoothing, and its gradient for the mean loss over the rows: per
 * row, losses[r] = -sum over c of target_c * log p_c and dlogits[r] = (p - target) / rows, where
 * target = (1 - smoothing) * onehot(label) + smoothing / classes. One thread per row (there are
 * batch of them, and few classes). A label that is not a class index (a kernel cannot refuse it)
 * makes the row's loss and gradient NaN, which the training loop reports.
 */
#include "portable.h"

KERNEL void cross_entropy(GLOBAL float* losses, GLOBAL float* dlogits, GLOBAL const float* logits, GLOBAL const float* labels,
                          int rows, int classes, float smoothing) {
    int r = GLOBAL_X;
    if (r >= rows) return;
    logits += r * classes;
    dlogits += r * classes;
    int label = (int) labels[r];
    float invalid = label >= 0 && label < classes && (float) label == labels[r] ? 0.0f : NAN;

    float row_max = -INFINITY;
    for (int c = 0; c < classes; c++) row_max = FMAX(row_max, logits[c]);
    float sum = 0.0f;
    for (int c = 0; c < classes; c++) sum += EXP(logits[c] - row_max);
    float log_sum = LOG(sum) + row_max, loss = 0.0f, spread = smoothing / classes;
    for (int c = 0; c < classes; c++) {
        float log_p = logits[c] - log_sum;
        float target = (c == label ? 1.0f - smoothing : 0.0f) + spread;
        loss -= target * log_p;
        dlogits[c] = (EXP(log_p) - target) / rows + invalid;
    }
    losses[r] = loss + invalid;
}
