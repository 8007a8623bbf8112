/*
 * Attention's backward pass on CPU devices, the queries in the vector lanes as in attention_cpu.cl:
 * one work-item per head of one sequence (grid: heads, batch), alone in its work-group (no
 * barriers), owning that head's dq, dk and dv. For each block of WIDTH query rows, with Q (scaled
 * by 1/sqrt(d)) and dO transposed into registers once:
 * - a first sweep over the keys computes lane-wise the scores s_j = K[j].Q^T and dp_j = V[j].dO^T,
 *   KEY_GROUP keys at a time, keeps both in this work-item's part of `saved`, and finds the
 *   log-sum-exp L and D = the sum over j of p_j dp_j online (rescaled as the maximum grows);
 * - a second sweep over the saved values makes p_j = exp(s_j - L) and ds_j = p_j (dp_j - D) and adds
 *   dQ^T += K[j] (broadcast) * ds_j in registers, and along the rows of dk and dv in place (zeroed
 *   first) dV[j] += the sum over lanes of p_j dO[lane], dK[j] += that of ds_j Q[lane] / sqrt(d).
 * Five multiply-adds per query, key and d, the fewest there are (s, dp, dq, dk, dv). Query rows
 * past the sequence read its last row and add nothing. qkv and dqkv are
 * [batch, tokens, 3, heads, HEAD_DIM], dout [batch, tokens, heads*HEAD_DIM]; `saved` holds
 * 2 * tokens vectors per work-item. HEAD_DIM and WIDTH are fixed when the program is built.
 */
#include "portable.h"
#include "vectors.h"

#define KEY_GROUP 8 /* keys scored at once: 2 * KEY_GROUP accumulators */

KERNEL void attention_backward(GLOBAL float* dqkv, GLOBAL float* saved, GLOBAL const float* dout, GLOBAL const float* qkv,
                               int tokens, int heads, float scale) {
    int h = (int) get_global_id(0), sequence = (int) get_global_id(1);
    int width = heads * HEAD_DIM, stride = 3 * width, whole = HEAD_DIM - HEAD_DIM % WIDTH;
    GLOBAL const float* head = qkv + sequence * tokens * stride + h * HEAD_DIM;
    GLOBAL const float* dohead = dout + sequence * tokens * width + h * HEAD_DIM;
    GLOBAL float* dhead = dqkv + sequence * tokens * stride + h * HEAD_DIM;
    GLOBAL float* saved_s = saved + (long) (sequence * heads + h) * 2 * tokens * WIDTH;
    GLOBAL float* saved_dp = saved_s + tokens * WIDTH;

    for (int j = 0; j < tokens; j++)
        for (int d = 0; d < HEAD_DIM; d++) dhead[j * stride + width + d] = dhead[j * stride + 2 * width + d] = 0.0f;

    for (int q0 = 0; q0 < tokens; q0 += WIDTH) {
        int rows = min(WIDTH, tokens - q0);
        VEC qt[HEAD_DIM], dot[HEAD_DIM]; /* Q^T (scaled) and dO^T: lane i is query q0 + i */
        for (int i = 0; i < WIDTH; i++) {
            int r = min(q0 + i, tokens - 1);
            for (int d = 0; d < HEAD_DIM; d++) {
                LANE(qt[d], i) = head[r * stride + d] * scale;
                LANE(dot[d], i) = dohead[r * width + d];
            }
        }

        VEC running_max = -INFINITY, sum = 0.0f, weighted = 0.0f; /* weighted: the sum of exp(s - running_max) dp */
        for (int j0 = 0; j0 < tokens; j0 += KEY_GROUP) {
            int count = min(KEY_GROUP, tokens - j0);
            GLOBAL const float* key[KEY_GROUP];
            VEC s[KEY_GROUP], dp[KEY_GROUP];
#pragma unroll
            for (int j = 0; j < KEY_GROUP; j++) {
                key[j] = head + min(j0 + j, tokens - 1) * stride + width;
                s[j] = dp[j] = 0.0f;
            }
            for (int d = 0; d < HEAD_DIM; d++) {
                VEC q = qt[d], o = dot[d];
#pragma unroll
                for (int j = 0; j < KEY_GROUP; j++) {
                    s[j] = fma((VEC) key[j][d], q, s[j]);
                    dp[j] = fma((VEC) key[j][width + d], o, dp[j]);
                }
            }
            VEC new_max = running_max;
            for (int j = 0; j < count; j++) new_max = fmax(new_max, s[j]);
            VEC rescale = exp(running_max - new_max); /* 0 on the first group, where the maximum is -inf */
            sum *= rescale;
            weighted *= rescale;
            for (int j = 0; j < count; j++) {
                VEC p = exp(s[j] - new_max);
                sum += p;
                weighted = fma(p, dp[j], weighted);
                VSTORE(s[j], j0 + j, saved_s);
                VSTORE(dp[j], j0 + j, saved_dp);
            }
            running_max = new_max;
        }
        VEC log_sum = running_max + log(sum), mean_dp = weighted / sum;

        VEC dqt[HEAD_DIM];
        for (int d = 0; d < HEAD_DIM; d++) dqt[d] = 0.0f;
        for (int j0 = 0; j0 < tokens; j0 += KEY_GROUP) {
            int count = min(KEY_GROUP, tokens - j0);
            GLOBAL const float* key[KEY_GROUP];
            VEC ds[KEY_GROUP];
            float p_lanes[KEY_GROUP][WIDTH], ds_lanes[KEY_GROUP][WIDTH];
#pragma unroll
            for (int j = 0; j < KEY_GROUP; j++) {
                int jj = min(j0 + j, tokens - 1);
                key[j] = head + jj * stride + width;
                VEC p = exp(VLOAD(jj, saved_s) - log_sum);
                ds[j] = j < count ? p * (VLOAD(jj, saved_dp) - mean_dp) : 0.0f;
                VSTORE(p, 0, p_lanes[j]);
                VSTORE(ds[j] * scale, 0, ds_lanes[j]);
            }
            for (int d = 0; d < HEAD_DIM; d++) {
                VEC acc = dqt[d];
#pragma unroll
                for (int j = 0; j < KEY_GROUP; j++) acc = fma((VEC) key[j][d], ds[j], acc);
                dqt[d] = acc;
            }
            for (int j = 0; j < count; j++) {
                GLOBAL float* dk = dhead + (j0 + j) * stride + width;
                GLOBAL float* dv = dk + width;
                for (int d = 0; d < whole; d += WIDTH) {
                    VEC k_acc = VLOAD(0, dk + d), v_acc = VLOAD(0, dv + d);
                    for (int i = 0; i < rows; i++) {
                        k_acc = fma((VEC) ds_lanes[j][i], VLOAD(0, head + (q0 + i) * stride + d), k_acc);
                        v_acc = fma((VEC) p_lanes[j][i], VLOAD(0, dohead + (q0 + i) * width + d), v_acc);
                    }
                    VSTORE(k_acc, 0, dk + d);
                    VSTORE(v_acc, 0, dv + d);
                }
                for (int d = whole; d < HEAD_DIM; d++)
                    for (int i = 0; i < rows; i++) {
                        dk[d] += ds_lanes[j][i] * head[(q0 + i) * stride + d];
                        dv[d] += p_lanes[j][i] * dohead[(q0 + i) * width + d];
                    }
            }
        }
        for (int i = 0; i < rows; i++)
            for (int d = 0; d < HEAD_DIM; d++) dhead[(q0 + i) * stride + d] = LANE(dqt[d], i) * scale;
    }
}
