/* out[i] = gelu(x[i]), in the form numbered form (gelu.h's ACT_*), on CPU devices: WIDTH elements per work-item, as one vector (the last few one by one). out may be x. */
#include "portable.h"
#include "vectors.h"

KERNEL void gelu_forward(GLOBAL float* out, GLOBAL const float* x, int form, int n) {
    long i = (long) get_global_id(0) * WIDTH; /* long: the grid's padding may pass 2^31 when n is near it */
    if (i + WIDTH <= n) VSTORE(activate_polynomial(VLOAD(0, x + i), form), 0, out + i);
    else for (; i < n; i++) out[i] = activate_polynomial(x[i], form);
}
