/*
 * Multi-head self-attention, softmax(Q*K^T/sqrt(d))*V per (sequence, head), on CPU devices,
 * flash-style (the tokens x tokens scores never exist in memory) and with the queries in the
 * vector lanes: one work-item per block of WIDTH query rows of one head of one sequence, alone in
 * its work-group (no barriers). Everything per query is then lane-wise, with no reductions across
 * lanes and nothing to transpose but this block of Q, once:
 * - scores of a key for the whole block, s = sum over d of K[key][d] (broadcast) * Q^T[d], for
 *   KEY_GROUP keys at a time, reading K's rows in place;
 * - the online softmax over tiles of KEYS keys: running maximum and sum per lane, the output
 *   rescaled when the maximum grows;
 * - O^T[d] += V[key][d] (broadcast) * p[key], DIM_GROUP output columns at a time in registers,
 *   reading V's rows in place.
 * Query rows past the sequence read its last row and are not stored. qkv is
 * [batch, tokens, 3, heads, HEAD_DIM]; out [batch, tokens, heads*HEAD_DIM]. Grid: query blocks,
 * heads, batch. HEAD_DIM and WIDTH are fixed when the program is built.
 */
#include "portable.h"
#include "vectors.h"

#define KEYS 32      /* keys per softmax tile */
/* Keys scored, and output columns accumulated, at once: that many independent accumulators. 8 is just
 * enough to cover an FMA's latency on both pipes (4 cycles x 2); where there are 32 vector registers
 * (16-float vectors: AVX-512) 16 ran 8% faster on Zen 5. */
#if WIDTH >= 16
#define KEY_GROUP 16
#define DIM_GROUP 16
#else
#define KEY_GROUP 8
#define DIM_GROUP 8
#endif

KERNEL void attention(GLOBAL float* out, GLOBAL const float* qkv, int tokens, int heads, float scale) {
    int width = heads * HEAD_DIM, stride = 3 * width;
    int sequence = (int) get_global_id(2), q0 = (int) get_global_id(0) * WIDTH;
    GLOBAL const float* head = qkv + sequence * tokens * stride + (int) get_global_id(1) * HEAD_DIM;

    VEC qt[HEAD_DIM]; /* Q^T, scaled: lane i of qt[d] is query q0 + i */
    GLOBAL const float* q[WIDTH];
    for (int i = 0; i < WIDTH; i++) q[i] = head + min(q0 + i, tokens - 1) * stride;
    for (int d = 0; d < HEAD_DIM; d++) { /* a column at a time, built in a register: no lane stores read back as a vector */
        VEC column;
#pragma unroll
        for (int i = 0; i < WIDTH; i++) LANE(column, i) = q[i][d];
        qt[d] = column * scale;
    }
    VEC ot[HEAD_DIM]; /* O^T, not yet divided by the sum */
    for (int d = 0; d < HEAD_DIM; d++) ot[d] = 0.0f;
    VEC running_max = -INFINITY, sum = 0.0f;

    for (int j0 = 0; j0 < tokens; j0 += KEYS) {
        int count = min(KEYS, tokens - j0);
        VEC p[KEYS]; /* scores, then their exponentials; only the first count are used */
        for (int g = 0; g < count; g += KEY_GROUP) {
            GLOBAL const float* key[KEY_GROUP];
            VEC s[KEY_GROUP];
#pragma unroll
            for (int j = 0; j < KEY_GROUP; j++) {
                key[j] = head + min(j0 + g + j, tokens - 1) * stride + width;
                s[j] = 0.0f;
            }
            for (int d = 0; d < HEAD_DIM; d++) {
                VEC q = qt[d];
#pragma unroll
                for (int j = 0; j < KEY_GROUP; j++) s[j] = fma((VEC) key[j][d], q, s[j]);
            }
#pragma unroll
            for (int j = 0; j < KEY_GROUP; j++) p[g + j] = s[j];
        }

        VEC new_max = running_max;
        for (int j = 0; j < count; j++) new_max = fmax(new_max, p[j]);
        VEC rescale = exp(running_max - new_max); /* 0 on the first tile, where the maximum is -inf */
        running_max = new_max;
        sum *= rescale;
        for (int j = 0; j < count; j++) {
            p[j] = exp(p[j] - new_max);
            sum += p[j];
        }

        for (int d0 = 0; d0 < HEAD_DIM; d0 += DIM_GROUP) {
            VEC acc[DIM_GROUP];
#pragma unroll
            for (int d = 0; d < DIM_GROUP; d++) acc[d] = d0 + d < HEAD_DIM ? ot[d0 + d] * rescale : 0.0f;
            for (int j = 0; j < count; j++) {
                GLOBAL const float* value = head + (j0 + j) * stride + 2 * width;
#pragma unroll
                for (int d = 0; d < DIM_GROUP; d++) acc[d] = fma((VEC) value[min(d0 + d, HEAD_DIM - 1)], p[j], acc[d]);
            }
#pragma unroll
            for (int d = 0; d < DIM_GROUP; d++)
                if (d0 + d < HEAD_DIM) ot[d0 + d] = acc[d];
        }
    }

    VEC inv = 1.0f / sum;
    for (int i = 0; i < WIDTH && q0 + i < tokens; i++) {
        GLOBAL float* dst = out + (sequence * tokens + q0 + i) * width + (int) get_global_id(1) * HEAD_DIM;
        for (int d = 0; d < HEAD_DIM; d++) dst[d] = LANE(ot[d], i) * LANE(inv, i);
    }
}
