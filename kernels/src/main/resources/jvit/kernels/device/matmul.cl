/*
 * C[b] = op(A[b])*op(B[b]) (+ bias) (then an activation, gelu.h's ACT_*), the tiled product of gemm.h. Grid: one work-group
 * per TILE x TILE block of C, the batch in the third dimension. A is [k, m] when transposed_a, else
 * [m, k]; B is [n, k] when transposed_b, else [k, n]; bias [n] or null. With accumulate (and no activation),
 * C[b] += op(A[b])*op(B[b]) (+ bias).
 */
#include "portable.h"
#include "gemm.h"

KERNEL void matmul(GLOBAL float* c, GLOBAL const float* a, GLOBAL const float* b, GLOBAL const float* bias,
                   int m, int n, int k, int transposed_a, int transposed_b, int activation, int accumulate) {
    LOCAL float as[TILE_K * TILE];
    LOCAL float bs[TILE_K * TILE];
    int batch = GROUP_Z;
    a += batch * m * k;
    b += batch * n * k;
    c += batch * m * n;
    int tx = THREAD_X, ty = THREAD_Y, tid = ty * THREADS + tx;
    int row0 = GROUP_Y * TILE, col0 = GROUP_X * TILE;

    float acc[WORK][WORK];
    for (int i = 0; i < WORK; i++)
        for (int j = 0; j < WORK; j++) acc[i][j] = 0.0f;

    for (int k0 = 0; k0 < k; k0 += TILE_K) {
        gemm_load_tile(as, a, m, k, row0, k0, !transposed_a, tid); /* as[kk][row] = A[row][kk] */
        gemm_load_tile(bs, b, n, k, col0, k0, transposed_b, tid);
        BARRIER();
        gemm_multiply(as, bs, acc, tx, ty);
        BARRIER();
    }
    gemm_store(c, bias, acc, m, n, row0, col0, tx, ty, activation, accumulate);
}
