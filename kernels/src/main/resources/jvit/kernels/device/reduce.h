/*
 * Work-group reductions for kernels that give one row to one work-group: total = the sum (or
 * maximum) of v over the group, returned to every thread. The group size is a power of two no
 * larger than MAX_GROUP; scratch is a LOCAL float[MAX_GROUP] declared in the kernel; every thread
 * of the group must reach the reduction (it barriers).
 *
 * Macros rather than functions: PoCL 3.1 (Debian 12's) miscompiles barriers inside a helper
 * function that is handed a local array, and the sums come out wrong once work-groups run on
 * several threads.
 */
#ifndef JVIT_REDUCE_H
#define JVIT_REDUCE_H

#include "portable.h"

#define MAX_GROUP 256

#define GROUP_REDUCE(total, v, scratch, COMBINE)                                                  \
    do {                                                                                         \
        scratch[THREAD_X] = (v);                                                                 \
        BARRIER();                                                                               \
        for (int active_ = GROUP_SIZE_X / 2; active_ > 0; active_ /= 2) {                        \
            if (THREAD_X < active_) scratch[THREAD_X] = COMBINE(scratch[THREAD_X], scratch[THREAD_X + active_]); \
            BARRIER();                                                                           \
        }                                                                                        \
        (total) = scratch[0];                                                                    \
        BARRIER(); /* scratch is reused by the next reduction */                                 \
    } while (0)

#define REDUCE_ADD(a, b) ((a) + (b))
#define GROUP_SUM(total, v, scratch) GROUP_REDUCE(total, v, scratch, REDUCE_ADD)
#define GROUP_MAX(total, v, scratch) GROUP_REDUCE(total, v, scratch, FMAX)

#endif
