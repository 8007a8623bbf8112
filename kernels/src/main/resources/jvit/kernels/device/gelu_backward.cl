/* dx[i] = dy[i] * gelu'(x[i]), erf form; dx may be dy. */
#include "portable.h"
#include "gelu.h"

KERNEL void gelu_backward(GLOBAL float* dx, GLOBAL const float* dy, GLOBAL const float* x, int n) {
    int i = GLOBAL_X;
    if (i < n) dx[i] = dy[i] * gelu_derivative(x[i]);
}
