/* acc[0] += the sum of partial[0 .. parts), added in order by one thread: the last, fixed-order step of a reduction that must not depend on timing. */
#include "portable.h"

KERNEL void accumulate_sum(GLOBAL float* acc, GLOBAL const float* partial, int parts) {
    if (GLOBAL_X != 0) return;
    float sum = 0.0f;
    for (int p = 0; p < parts; p++) sum += partial[p];
    acc[0] += sum;
}
