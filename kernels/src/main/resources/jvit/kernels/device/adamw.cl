/*
 * One AdamW step, in place on param, m and v, as the Java kernel (PyTorch's torch.optim.AdamW after
 * clip_grad_norm_): g = grad * min(1, max_norm / (|global gradient| + 1e-6)) (no clipping when
 * max_norm is 0), m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2,
 * param = param (1 - lr wd) - lr / (1 - beta1^t) * m / (sqrt(v / (1 - beta2^t)) + eps).
 * norm2[0] is the squared global norm; schedule holds lr, 1 - beta1^t, 1 - beta2^t. One thread per
 * element: no loops, so a CPU's work-group loop vectorizes it as it is.
 */
#include "portable.h"

KERNEL void adamw(GLOBAL float* param, GLOBAL float* m, GLOBAL float* v, GLOBAL const float* grad, GLOBAL const float* norm2,
                  GLOBAL const float* schedule, float beta1, float beta2, float eps, float weight_decay, float max_norm, int n) {
    int i = GLOBAL_X;
    if (i >= n) return;
    float lr = schedule[0];
    float clip = max_norm > 0.0f ? FMIN(1.0f, max_norm / (SQRT(norm2[0]) + 1e-6f)) : 1.0f;
    float g = grad[i] * clip;
    float mi = beta1 * m[i] + (1.0f - beta1) * g, vi = beta2 * v[i] + (1.0f - beta2) * g * g;
    param[i] = param[i] * (1.0f - lr * weight_decay) - lr / schedule[1] * mi / (SQRT(vi) / SQRT(schedule[2]) + eps);
    m[i] = mi;
    v[i] = vi;
}
