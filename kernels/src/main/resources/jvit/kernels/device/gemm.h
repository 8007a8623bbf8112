/*
 * The pieces of a tiled matrix product C = A*op(B), shared by matmul and patch_embed (which
 * differ only in where a row of A comes from).
 *
 * A work-group of THREADS x THREADS threads computes one TILE x TILE block of C; each thread
 * holds WORK x WORK outputs in registers, at rows ty + i*THREADS and columns tx + j*THREADS
 * (strided, so that neighbouring threads touch neighbouring addresses). K advances TILE_K at a
 * time through local memory, both tiles stored k-major (as[kk][row], bs[kk][col]) so that each
 * step of the inner product reads WORK values of each and does WORK^2 multiply-adds.
 * Edges are zero-filled on load and skipped on store: any M, N, K. Written for GPUs; CPU devices
 * run gemm_cpu.h's product instead.
 */
#ifndef JVIT_GEMM_H
#define JVIT_GEMM_H

#include "portable.h"
#include "gelu.h"

#ifndef THREADS
#define THREADS 16 /* set by the launch to fit the device's work-group size */
#endif
#define WORK 4
#define TILE (THREADS * WORK)
#define TILE_K 16
#define GROUP_THREADS (THREADS * THREADS)

/*
 * bs[kk][col] = X[k0 + kk][col0 + col] of a k x n matrix X, zero outside it; X's memory b is [n, k] when transposed (B a
 * Linear weight; A as the matmul's left operand, X = A^T), else [k, n] (B; a transposed A).
 */
DEVICE void gemm_load_tile(LOCAL_PTR float* bs, GLOBAL const float* b, int n, int k, int col0, int k0, int transposed, int tid) {
    for (int e = tid; e < TILE_K * TILE; e += GROUP_THREADS) {
        int kk, col;
        if (transposed) { kk = e % TILE_K; col = e / TILE_K; } /* neighbouring threads read along B's rows (k) */
        else { col = e % TILE; kk = e / TILE; }                 /* ... or along its columns (n) */
        int gk = k0 + kk, gc = col0 + col;
        float v = 0.0f;
        if (gk < k && gc < n) v = transposed ? b[gc * k + gk] : b[gk * n + gc];
        bs[kk * TILE + col] = v;
    }
}

/* acc[i][j] += sum over kk of as[kk][ty + i*THREADS] * bs[kk][tx + j*THREADS] */
DEVICE void gemm_multiply(LOCAL_PTR const float* as, LOCAL_PTR const float* bs, float acc[WORK][WORK], int tx, int ty) {
    for (int kk = 0; kk < TILE_K; kk++) {
        float a[WORK], b[WORK];
        for (int i = 0; i < WORK; i++) a[i] = as[kk * TILE + ty + i * THREADS];
        for (int j = 0; j < WORK; j++) b[j] = bs[kk * TILE + tx + j * THREADS];
        for (int i = 0; i < WORK; i++)
            for (int j = 0; j < WORK; j++) acc[i][j] += a[i] * b[j];
    }
}

/* c[row][col] = activate(acc + bias[col]) (gelu.h's ACT_*), or with accumulate c[row][col] + acc + bias[col], for this thread's outputs
 * inside m x n; bias may be null. */
DEVICE void gemm_store(GLOBAL float* c, GLOBAL const float* bias, float acc[WORK][WORK], int m, int n,
                       int row0, int col0, int tx, int ty, int activation, int accumulate) {
    for (int i = 0; i < WORK; i++) {
        int row = row0 + ty + i * THREADS;
        if (row >= m) continue;
        for (int j = 0; j < WORK; j++) {
            int col = col0 + tx + j * THREADS;
            if (col >= n) continue;
            float v = acc[i][j] + (bias != 0 ? bias[col] : 0.0f);
            c[row * n + col] = accumulate ? c[row * n + col] + v : activate(v, activation);
        }
    }
}

#endif
