/*
 * GELU in its erf form, x * Phi(x) = x * (1 + erf(x / sqrt 2)) / 2, as in Hugging Face's "gelu" and PyTorch's default;
 * its tanh approximation (timm's gelu_tanh, HF's gelu_pytorch_tanh), x * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2;
 * and quick GELU (CLIP's), x * sigmoid(1.702 x). activate() picks one by the number Op.Activation.code() gives.
 * The tanh form is computed as x * sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3), the same function (1 + tanh u = 2 sigmoid(2u)),
 * so that its derivative, s + 2x s (1 - s) du/dx with s = sigmoid(2u), is exactly 0 and 1 where it saturates rather than
 * a difference of nearly equal numbers.
 */
#ifndef JVIT_GELU_H
#define JVIT_GELU_H

#include "portable.h"

#define ACT_NONE 0
#define ACT_GELU 1
#define ACT_GELU_TANH 2
#define ACT_QUICK_GELU 3

#define GELU_TANH_SCALE 0.79788456080286536f /* sqrt(2/pi) */
#define GELU_TANH_CUBIC 0.044715f
#define QUICK_GELU_SCALE 1.702f

DEVICE float gelu(float x) {
    return 0.5f * x * (1.0f + ERF(x * 0.70710678118654752f));
}

/* Its derivative, Phi(x) + x * phi(x), for the backward pass. */
DEVICE float gelu_derivative(float x) {
    return 0.5f * (1.0f + ERF(x * 0.70710678118654752f)) + x * 0.39894228040143268f * EXP(-0.5f * x * x);
}

DEVICE float gelu_tanh(float x) {
    return x / (1.0f + EXP(-2.0f * GELU_TANH_SCALE * (x + GELU_TANH_CUBIC * x * x * x)));
}

DEVICE float gelu_tanh_derivative(float x) {
    float s = 1.0f / (1.0f + EXP(-2.0f * GELU_TANH_SCALE * (x + GELU_TANH_CUBIC * x * x * x)));
    return s + 2.0f * x * s * (1.0f - s) * GELU_TANH_SCALE * (1.0f + 3.0f * GELU_TANH_CUBIC * x * x);
}

DEVICE float quick_gelu(float x) {
    return x / (1.0f + EXP(-QUICK_GELU_SCALE * x));
}

/* s + 1.702 x s (1 - s), s = sigmoid(1.702 x). */
DEVICE float quick_gelu_derivative(float x) {
    float s = 1.0f / (1.0f + EXP(-QUICK_GELU_SCALE * x));
    return s + QUICK_GELU_SCALE * x * s * (1.0f - s);
}

/* The activation numbered act (ACT_*) of x; ACT_NONE leaves it. */
DEVICE float activate(float x, int act) {
    return act == ACT_GELU ? gelu(x) : act == ACT_GELU_TANH ? gelu_tanh(x) : act == ACT_QUICK_GELU ? quick_gelu(x) : x;
}

/* The derivative of a GELU form (ACT_GELU, ACT_GELU_TANH, ACT_QUICK_GELU) at x. */
DEVICE float activation_derivative(float x, int act) {
    return act == ACT_GELU_TANH ? gelu_tanh_derivative(x) : act == ACT_QUICK_GELU ? quick_gelu_derivative(x) : gelu_derivative(x);
}

#endif
