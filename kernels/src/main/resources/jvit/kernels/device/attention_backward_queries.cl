/*
 * Attention's backward pass on GPUs, first of two launches: per query row i of one head, with the
 * probabilities p_ij = exp(s_ij - L_i) of the scores s_ij = q_i.k_j / sqrt(d) recomputed,
 * - a first sweep over the keys finds the log-sum-exp L_i (online, as attention.cl finds the
 *   softmax's maximum and sum) and D_i = the sum over j of p_ij dp_ij, where dp_ij = do_i.v_j;
 * - a second sweep adds up dq_i = the sum over j of p_ij (dp_ij - D_i) k_j / sqrt(d).
 * L_i and D_i go to stats for attention_backward_keys.cl, which owns the keys and computes dk and
 * dv. One work-group per block of query rows of one head of one sequence (grid: query blocks,
 * heads, batch), one thread per row; keys and values go through local memory KEYS rows at a time.
 * qkv and dqkv are [batch, tokens, 3, heads, HEAD_DIM], dout [batch, tokens, heads*HEAD_DIM],
 * stats [batch, heads, tokens, 2]. Rows past the sequence read its last row and store nothing.
 */
#include "portable.h"

/* ks[e] and vs[e], e < count * HEAD_DIM: the keys and values of rows j0 .. j0 + count. No barrier here (see reduce.h). */
DEVICE void load_keys(LOCAL_PTR float* ks, LOCAL_PTR float* vs, GLOBAL const float* head, int j0, int count, int width) {
    for (int e = THREAD_X; e < count * HEAD_DIM; e += GROUP_SIZE_X) {
        GLOBAL const float* key = head + (j0 + e / HEAD_DIM) * 3 * width + width + e % HEAD_DIM;
        ks[e] = key[0];
        vs[e] = key[width];
    }
}

KERNEL void attention_backward_queries(GLOBAL float* dqkv, GLOBAL float* stats, GLOBAL const float* dout, GLOBAL const float* qkv,
                                       int tokens, int heads, float scale) {
    LOCAL float ks[KEYS * HEAD_DIM];
    LOCAL float vs[KEYS * HEAD_DIM];
    int width = heads * HEAD_DIM, stride = 3 * width;
    int row = GROUP_X * GROUP_SIZE_X + THREAD_X, r = row < tokens ? row : tokens - 1;
    GLOBAL const float* head = qkv + GROUP_Z * tokens * stride + GROUP_Y * HEAD_DIM;
    GLOBAL const float* dhead = dout + GROUP_Z * tokens * width + GROUP_Y * HEAD_DIM;

    float q[HEAD_DIM], dO[HEAD_DIM], dq[HEAD_DIM];
    for (int d = 0; d < HEAD_DIM; d++) {
        q[d] = head[r * stride + d] * scale;
        dO[d] = dhead[r * width + d];
        dq[d] = 0.0f;
    }

    float running_max = -INFINITY, sum = 0.0f, weighted = 0.0f; /* weighted: the sum of exp(s - running_max) dp */
    for (int j0 = 0; j0 < tokens; j0 += KEYS) {
        int count = tokens - j0 < KEYS ? tokens - j0 : KEYS;
        BARRIER(); /* the previous tile is no longer read */
        load_keys(ks, vs, head, j0, count, width);
        BARRIER();
        float s[KEYS], dp[KEYS];
        float tile_max = -INFINITY;
        for (int j = 0; j < count; j++) {
            float dot = 0.0f, dot_v = 0.0f;
            for (int d = 0; d < HEAD_DIM; d++) {
                dot += q[d] * ks[j * HEAD_DIM + d];
                dot_v += dO[d] * vs[j * HEAD_DIM + d];
            }
            s[j] = dot;
            dp[j] = dot_v;
            tile_max = FMAX(tile_max, dot);
        }
        float new_max = FMAX(running_max, tile_max);
        float rescale = EXP(running_max - new_max); /* 0 on the first tile, where the maximum is -inf */
        sum *= rescale;
        weighted *= rescale;
        for (int j = 0; j < count; j++) {
            float p = EXP(s[j] - new_max);
            sum += p;
            weighted += p * dp[j];
        }
        running_max = new_max;
    }
    float log_sum = running_max + LOG(sum), mean_dp = weighted / sum;

    for (int j0 = 0; j0 < tokens; j0 += KEYS) {
        int count = tokens - j0 < KEYS ? tokens - j0 : KEYS;
        BARRIER();
        load_keys(ks, vs, head, j0, count, width);
        BARRIER();
        for (int j = 0; j < count; j++) {
            float dot = 0.0f, dot_v = 0.0f;
            for (int d = 0; d < HEAD_DIM; d++) {
                dot += q[d] * ks[j * HEAD_DIM + d];
                dot_v += dO[d] * vs[j * HEAD_DIM + d];
            }
            float p = EXP(dot - log_sum), ds = p * (dot_v - mean_dp);
            for (int d = 0; d < HEAD_DIM; d++) dq[d] += ds * ks[j * HEAD_DIM + d];
        }
    }

    if (row < tokens) {
        GLOBAL float* dst = dqkv + (GROUP_Z * tokens + row) * stride + GROUP_Y * HEAD_DIM;
        for (int d = 0; d < HEAD_DIM; d++) dst[d] = dq[d] * scale;
        GLOBAL float* st = stats + ((GROUP_Z * heads + GROUP_Y) * tokens + row) * 2;
        st[0] = log_sum;
        st[1] = mean_dp;
    }
}
