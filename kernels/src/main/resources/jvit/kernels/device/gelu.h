/* GELU in its erf form, x * Phi(x) = x * (1 + erf(x / sqrt 2)) / 2, as in Hugging Face's "gelu" and PyTorch's default. */
#ifndef JVIT_GELU_H
#define JVIT_GELU_H

#include "portable.h"

DEVICE float gelu(float x) {
    return 0.5f * x * (1.0f + ERF(x * 0.70710678118654752f));
}

/* Its derivative, Phi(x) + x * phi(x), for the backward pass. */
DEVICE float gelu_derivative(float x) {
    return 0.5f * (1.0f + ERF(x * 0.70710678118654752f)) + x * 0.39894228040143268f * EXP(-0.5f * x * x);
}

#endif
