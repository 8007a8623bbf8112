/*
 * One AdamW step on CPU devices, as adamw.cl computes it: WIDTH elements per work-item as one
 * vector (the last few one by one), where PoCL's work-group loop does not vectorize the generic
 * kernel's square roots and divisions.
 */
#include "portable.h"
#include "vectors.h"

#define DEFINE_ADAMW_UPDATE(T)                                                                    \
    static inline void __attribute__((overloadable)) adamw_update(T* param, T* m, T* v, T grad, float clip, float lr, \
            float correction1, float correction2, float beta1, float beta2, float eps, float weight_decay) { \
        T g = grad * clip;                                                                        \
        *m = beta1 * *m + (1.0f - beta1) * g;                                                     \
        *v = beta2 * *v + (1.0f - beta2) * g * g;                                                 \
        *param = *param * (1.0f - lr * weight_decay) - lr / correction1 * *m / (sqrt(*v) / sqrt(correction2) + eps); \
    }
DEFINE_ADAMW_UPDATE(float)
DEFINE_ADAMW_UPDATE(VEC)

KERNEL void adamw(GLOBAL float* param, GLOBAL float* m, GLOBAL float* v, GLOBAL const float* grad, GLOBAL const float* norm2,
                  GLOBAL const float* schedule, float beta1, float beta2, float eps, float weight_decay, float max_norm, int n) {
    long i = (long) get_global_id(0) * WIDTH;
    if (i >= n) return;
    float lr = schedule[0], correction1 = schedule[1], correction2 = schedule[2];
    float clip = max_norm > 0.0f ? fmin(1.0f, max_norm / (sqrt(norm2[0]) + 1e-6f)) : 1.0f;
    if (i + WIDTH <= n) {
        VEC p = VLOAD(0, param + i), mi = VLOAD(0, m + i), vi = VLOAD(0, v + i);
        adamw_update(&p, &mi, &vi, VLOAD(0, grad + i), clip, lr, correction1, correction2, beta1, beta2, eps, weight_decay);
        VSTORE(p, 0, param + i);
        VSTORE(mi, 0, m + i);
        VSTORE(vi, 0, v + i);
    } else {
        for (; i < n; i++) {
            float p = param[i], mi = m[i], vi = v[i];
            adamw_update(&p, &mi, &vi, grad[i], clip, lr, correction1, correction2, beta1, beta2, eps, weight_decay);
            param[i] = p;
            m[i] = mi;
            v[i] = vi;
        }
    }
}
