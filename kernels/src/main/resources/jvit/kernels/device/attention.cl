/*
 * Multi-head self-attention, softmax(Q*K^T/sqrt(d))*V per (sequence, head), flash-style: the
 * tokens x tokens scores never exist in memory. One work-group per block of query rows of one
 * head of one sequence, one thread per query row. Keys and values stream through local memory
 * KEYS rows at a time; each thread keeps its scaled query, its output row and the running
 * maximum and sum of its softmax in registers, rescaling them when the maximum grows (online
 * softmax), and divides by the sum at the end.
 *
 * qkv is [batch, tokens, 3, heads, HEAD_DIM]; out [batch, tokens, heads*HEAD_DIM]. HEAD_DIM and
 * KEYS are fixed when the program is built, so that the per-thread rows are registers. Written
 * for GPUs; CPU devices run attention_cpu.cl.
 */
#include "portable.h"

KERNEL void attention(GLOBAL float* out, GLOBAL const float* qkv, int tokens, int heads, float scale) {
    LOCAL float ks[KEYS * HEAD_DIM];
    LOCAL float vs[KEYS * HEAD_DIM];
    int width = heads * HEAD_DIM, stride = 3 * width;
    int row = GROUP_X * GROUP_SIZE_X + THREAD_X;
    GLOBAL const float* head = qkv + GROUP_Z * tokens * stride + GROUP_Y * HEAD_DIM;

    float q[HEAD_DIM], o[HEAD_DIM];
    for (int d = 0; d < HEAD_DIM; d++) {
        q[d] = row < tokens ? head[row * stride + d] * scale : 0.0f;
        o[d] = 0.0f;
    }
    float running_max = -INFINITY, sum = 0.0f;

    for (int j0 = 0; j0 < tokens; j0 += KEYS) {
        int count = tokens - j0 < KEYS ? tokens - j0 : KEYS;
        BARRIER(); /* the previous tile is no longer read */
        for (int e = THREAD_X; e < count * HEAD_DIM; e += GROUP_SIZE_X) {
            GLOBAL const float* key = head + (j0 + e / HEAD_DIM) * stride + e % HEAD_DIM;
            ks[e] = key[width];
            vs[e] = key[2 * width];
        }
        BARRIER();

        float s[KEYS];
        float tile_max = -INFINITY;
        for (int j = 0; j < count; j++) {
            float dot = 0.0f;
            for (int d = 0; d < HEAD_DIM; d++) dot += q[d] * ks[j * HEAD_DIM + d];
            s[j] = dot;
            tile_max = FMAX(tile_max, dot);
        }
        float new_max = FMAX(running_max, tile_max);
        float rescale = EXP(running_max - new_max); /* 0 on the first tile, where the maximum is -inf */
        sum *= rescale;
        for (int d = 0; d < HEAD_DIM; d++) o[d] *= rescale;
        for (int j = 0; j < count; j++) {
            float p = EXP(s[j] - new_max);
            sum += p;
            for (int d = 0; d < HEAD_DIM; d++) o[d] += p * vs[j * HEAD_DIM + d];
        }
        running_max = new_max;
    }

    if (row < tokens) {
        GLOBAL float* dst = out + (GROUP_Z * tokens + row) * width + GROUP_Y * HEAD_DIM;
        float inv = 1.0f / sum;
        for (int d = 0; d < HEAD_DIM; d++) dst[d] = o[d] * inv;
    }
}
