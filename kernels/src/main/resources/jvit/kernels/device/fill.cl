/* out[i] = value: clears the gradients' squared norm before a step adds to it. */
#include "portable.h"

KERNEL void fill(GLOBAL float* out, float value, int n) {
    int i = GLOBAL_X;
    if (i < n) out[i] = value;
}
