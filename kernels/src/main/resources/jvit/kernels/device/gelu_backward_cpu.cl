/* dx[i] = dy[i] * gelu'(x[i]), in the form numbered form (gelu.h's ACT_*), on CPU devices: WIDTH elements per work-item, as one vector (the last few one by one). dx may be dy. */
#include "portable.h"
#include "vectors.h"

KERNEL void gelu_backward(GLOBAL float* dx, GLOBAL const float* dy, GLOBAL const float* x, int form, int n) {
    long i = (long) get_global_id(0) * WIDTH; /* long: the grid's padding may pass 2^31 when n is near it */
    if (i + WIDTH <= n) VSTORE(VLOAD(0, dy + i) * activation_derivative_polynomial(VLOAD(0, x + i), form), 0, dx + i);
    else for (; i < n; i++) dx[i] = dy[i] * activation_derivative_polynomial(x[i], form);
}
