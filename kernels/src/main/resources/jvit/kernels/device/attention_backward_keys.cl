/*
 * Attention's backward pass on GPUs, second of two launches: per key row j of one head,
 * dv_j = the sum over i of p_ij do_i and dk_j = the sum over i of p_ij (dp_ij - D_i) q_i / sqrt(d),
 * with p_ij = exp(q_i.k_j / sqrt(d) - L_i) and dp_ij = do_i.v_j, from the log-sum-exp L_i and D_i
 * that attention_backward_queries.cl left in stats. One work-group per block of key rows of one
 * head of one sequence (grid: key blocks, heads, batch), one thread per row; queries (scaled),
 * their output gradients and statistics go through local memory QUERIES rows at a time. Layouts as
 * in the first launch; rows past the sequence read its last row and store nothing.
 */
#include "portable.h"

KERNEL void attention_backward_keys(GLOBAL float* dqkv, GLOBAL const float* stats, GLOBAL const float* dout, GLOBAL const float* qkv,
                                    int tokens, int heads, float scale) {
    LOCAL float qs[QUERIES * HEAD_DIM];
    LOCAL float dos[QUERIES * HEAD_DIM];
    LOCAL float log_sums[QUERIES];
    LOCAL float mean_dps[QUERIES];
    int width = heads * HEAD_DIM, stride = 3 * width;
    int row = GROUP_X * GROUP_SIZE_X + THREAD_X, r = row < tokens ? row : tokens - 1;
    GLOBAL const float* head = qkv + GROUP_Z * tokens * stride + GROUP_Y * HEAD_DIM;
    GLOBAL const float* dhead = dout + GROUP_Z * tokens * width + GROUP_Y * HEAD_DIM;
    GLOBAL const float* head_stats = stats + (GROUP_Z * heads + GROUP_Y) * tokens * 2;

    float k[HEAD_DIM], v[HEAD_DIM], dk[HEAD_DIM], dv[HEAD_DIM];
    for (int d = 0; d < HEAD_DIM; d++) {
        k[d] = head[r * stride + width + d];
        v[d] = head[r * stride + 2 * width + d];
        dk[d] = dv[d] = 0.0f;
    }

    for (int i0 = 0; i0 < tokens; i0 += QUERIES) {
        int count = tokens - i0 < QUERIES ? tokens - i0 : QUERIES;
        BARRIER(); /* the previous tile is no longer read */
        for (int e = THREAD_X; e < count * HEAD_DIM; e += GROUP_SIZE_X) {
            int i = i0 + e / HEAD_DIM, d = e % HEAD_DIM;
            qs[e] = head[i * stride + d] * scale;
            dos[e] = dhead[i * width + d];
        }
        for (int i = THREAD_X; i < count; i += GROUP_SIZE_X) {
            log_sums[i] = head_stats[(i0 + i) * 2];
            mean_dps[i] = head_stats[(i0 + i) * 2 + 1];
        }
        BARRIER();
        for (int i = 0; i < count; i++) {
            float s = 0.0f, dp = 0.0f;
            for (int d = 0; d < HEAD_DIM; d++) {
                s += qs[i * HEAD_DIM + d] * k[d];
                dp += dos[i * HEAD_DIM + d] * v[d];
            }
            float p = EXP(s - log_sums[i]), ds = p * (dp - mean_dps[i]);
            for (int d = 0; d < HEAD_DIM; d++) {
                dv[d] += p * dos[i * HEAD_DIM + d];
                dk[d] += ds * qs[i * HEAD_DIM + d];
            }
        }
    }

    if (row < tokens) {
        GLOBAL float* dst = dqkv + (GROUP_Z * tokens + row) * stride + GROUP_Y * HEAD_DIM;
        for (int d = 0; d < HEAD_DIM; d++) {
            dst[width + d] = dk[d];
            dst[2 * width + d] = dv[d];
        }
    }
}
