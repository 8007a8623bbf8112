/*
 * Explicit vectors for the kernels written for CPU devices (the *_cpu.cl sources, OpenCL C only).
 * A CPU runs a work-group as a loop over its work-items, and compilers vectorize that loop only
 * when the kernel body has no loops of its own; so these kernels give each work-item a block of
 * outputs and compute it with vectors of WIDTH floats (the device's preferred width, set by the
 * launch: 16 for AVX-512, 8 for AVX2), indexed so that the vectors lie along contiguous memory.
 * They have no barriers: PoCL runs one by splitting that loop, storing what every work-item holds.
 */
#ifndef JVIT_VECTORS_H
#define JVIT_VECTORS_H

/* ACT_* and the GELU forms' constants */
#include "gelu.h"

#define JOIN_(a, b) a##b
#define JOIN(a, b) JOIN_(a, b)

#define VEC JOIN(float, WIDTH)          /* float16, float8, ... */
#define VLOAD JOIN(vload, WIDTH)        /* VLOAD(i, p): the vector at p + i*WIDTH, any alignment */
#define VSTORE JOIN(vstore, WIDTH)

/* Lane i of a vector held in a variable. */
#define LANE(v, i) (((float*) &(v))[i])

static inline float lanes_sum(VEC v) {
    float s = 0.0f;
    for (int i = 0; i < WIDTH; i++) s += LANE(v, i);
    return s;
}

static inline float lanes_max(VEC v) {
    float s = LANE(v, 0);
    for (int i = 1; i < WIDTH; i++) s = fmax(s, LANE(v, i));
    return s;
}

/*
 * GELU, erf form, and its derivative Phi(x) + x * phi(x), with erf by Abramowitz–Stegun 7.1.26
 * (|error| <= 1.5e-7) as in the Java kernel: a polynomial and one exp, which vectorize, where
 * PoCL's erf on a float16 runs 2-3x slower and GELU stops being limited by memory. Defined for
 * floats and for vectors.
 */
#define DEFINE_GELU(T)                                                                            \
    static inline T __attribute__((overloadable)) erf_polynomial(T z) {                           \
        T a = fabs(z);                                                                            \
        T t = 1.0f / fma(a, 0.3275911f, 1.0f);                                                    \
        T poly = t * fma(t, fma(t, fma(t, fma(t, 1.061405429f, -1.453152027f), 1.421413741f), -0.284496736f), 0.254829592f); \
        return copysign(1.0f - poly * exp(-a * a), z);                                            \
    }                                                                                             \
    static inline T __attribute__((overloadable)) gelu_polynomial(T x) {                          \
        return 0.5f * x * (1.0f + erf_polynomial(x * 0.70710678118654752f));                      \
    }                                                                                             \
    static inline T __attribute__((overloadable)) gelu_derivative_polynomial(T x) {               \
        return 0.5f * (1.0f + erf_polynomial(x * 0.70710678118654752f)) + x * 0.39894228040143268f * exp(-0.5f * x * x); \
    }                                                                                             \
    /* sigmoid from one exp, which vectorizes; the tanh form as gelu.h computes it, x * sigmoid(2u). */ \
    static inline T __attribute__((overloadable)) sigmoid_exp(T z) {                              \
        return 1.0f / (1.0f + exp(-z));                                                           \
    }                                                                                             \
    /* The activation numbered act (gelu.h's ACT_*), and the derivative of a GELU form. */        \
    static inline T __attribute__((overloadable)) activate_polynomial(T x, int act) {             \
        if (act == ACT_GELU) return gelu_polynomial(x);                                           \
        if (act == ACT_GELU_TANH)                                                                 \
            return x * sigmoid_exp(2.0f * GELU_TANH_SCALE * (x + GELU_TANH_CUBIC * x * x * x));   \
        if (act == ACT_QUICK_GELU) return x * sigmoid_exp(QUICK_GELU_SCALE * x);                  \
        return x;                                                                                 \
    }                                                                                             \
    static inline T __attribute__((overloadable)) activation_derivative_polynomial(T x, int act) { \
        if (act == ACT_GELU_TANH) {                                                               \
            T s = sigmoid_exp(2.0f * GELU_TANH_SCALE * (x + GELU_TANH_CUBIC * x * x * x));        \
            return s + 2.0f * x * s * (1.0f - s) * GELU_TANH_SCALE * (1.0f + 3.0f * GELU_TANH_CUBIC * x * x); \
        }                                                                                         \
        if (act == ACT_QUICK_GELU) {                                                              \
            T s = sigmoid_exp(QUICK_GELU_SCALE * x);                                              \
            return s + QUICK_GELU_SCALE * x * s * (1.0f - s);                                     \
        }                                                                                         \
        return gelu_derivative_polynomial(x);                                                     \
    }
DEFINE_GELU(float)
DEFINE_GELU(VEC)
#undef DEFINE_GELU

#endif
