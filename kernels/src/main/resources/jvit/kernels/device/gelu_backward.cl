/* dx[i] = dy[i] * gelu'(x[i]) in the form numbered form (gelu.h's ACT_*); dx may be dy. */
#include "portable.h"
#include "gelu.h"

KERNEL void gelu_backward(GLOBAL float* dx, GLOBAL const float* dy, GLOBAL const float* x, int form, int n) {
    int i = GLOBAL_X;
    if (i < n) dx[i] = dy[i] * activation_derivative(x[i], form);
}
