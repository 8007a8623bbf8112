/*
 * c[i] = act(c[i] + bias[i % n]) (act numbered as gelu.h's ACT_*) over every element of C (rows of n): the bias and activation that
 * matmul.cl fuses, applied after a library GEMM (cuBLAS) that has no such epilogue. bias may be
 * null; c is rewritten in place.
 */
#include "portable.h"
#include "gelu.h"

KERNEL void bias_activation(GLOBAL float* c, GLOBAL const float* bias, int n, int total, int activation) {
    int i = GLOBAL_X;
    if (i >= total) return;
    float v = c[i] + (bias != 0 ? bias[i % n] : 0.0f);
    c[i] = activate(v, activation);
}
