/*
 * The pieces of the matrix product C = A*op(B) on CPU devices, shared by matmul_cpu.cl and
 * patch_embed_cpu.cl (which differ only in where a row of A comes from). GotoBLAS's scheme in
 * OpenCL: one work-item computes a panel of COLS = 2*WIDTH columns of C over a range of its row
 * blocks, alone in its work-group, so that there are no barriers (PoCL would otherwise loop over
 * the work-items between barriers, spilling the accumulators to memory):
 * - DEPTH rows of op(B)'s panel at a time are packed into local memory, k-major and zero past n,
 *   so that each step of the product reads two whole vectors whatever B's layout;
 * - each block of ROWS rows of A times the packed chunk accumulates ROWS x 2 vectors in
 *   registers: per row and k, one broadcast of A and two fused multiply-adds;
 * - the block goes to C (stored after the first chunk, added after later ones), with the bias
 *   and GELU after the last.
 * Rows past m read row m-1 (and are never stored), so the inner loop has no edge tests.
 * PANEL_SPACE is the panel's address space: LOCAL, or GLOBAL where the panels were packed once
 * into device memory (matmul_cpu.cl's PACKED_B).
 * WIDTH, ROWS and DEPTH are set by the launch: ROWS = 11 for 16-float vectors (22 accumulators,
 * 2 of B and a broadcast in AVX-512's 32 registers), 6 for narrower ones (16 registers), one
 * fewer where that computes fewer rows past m (CpuDeviceKernels.gemmRows says why).
 */
#ifndef JVIT_GEMM_CPU_H
#define JVIT_GEMM_CPU_H

#include "portable.h"
#include "vectors.h"

#define COLS (2 * WIDTH)
#ifndef PANEL_SPACE
#define PANEL_SPACE LOCAL
#endif

/* panel[kk][j] = op(B)[k0 + kk][col0 + j] for kk < depth, 0 where col0 + j >= n. B is [n, k] when transposed, else [k, n]. */
static inline void gemm_pack_panel(PANEL_SPACE float* panel, GLOBAL const float* b, int n, int k, int col0, int k0, int depth,
                                   int transposed) {
    if (transposed) {
        for (int j = 0; j < COLS; j++) { /* along B's rows: each read contiguous */
            GLOBAL const float* src = b + (col0 + j) * k + k0;
            if (col0 + j < n) for (int kk = 0; kk < depth; kk++) panel[kk * COLS + j] = src[kk];
            else for (int kk = 0; kk < depth; kk++) panel[kk * COLS + j] = 0.0f;
        }
    } else {
        for (int kk = 0; kk < depth; kk++) {
            GLOBAL const float* src = b + (k0 + kk) * n + col0;
            for (int j = 0; j < COLS; j++) panel[kk * COLS + j] = col0 + j < n ? src[j] : 0.0f;
        }
    }
}

/*
 * acc[i][h] += sum over kk < depth of rows[i][kk * step] * panel[kk][h*WIDTH .. h*WIDTH + WIDTH): step is 1
 * along A's rows, m down the columns of a transposed A.
 */
static inline void gemm_multiply(VEC acc[ROWS][2], GLOBAL const float* rows[ROWS], int step, PANEL_SPACE const VEC* panel, int depth) {
    for (int kk = 0; kk < depth; kk++) {
        VEC b0 = panel[2 * kk], b1 = panel[2 * kk + 1];
#pragma unroll
        for (int i = 0; i < ROWS; i++) {
            VEC a = rows[i][kk * step];
            acc[i][0] = fma(a, b0, acc[i][0]);
            acc[i][1] = fma(a, b1, acc[i][1]);
        }
    }
}

/* The block's rows of C, within m x n: acc (first chunk) or C + acc; after the last chunk, + bias (may be null), then the activation (ACT_*). */
static inline void gemm_store(GLOBAL float* c, GLOBAL const float* bias, VEC acc[ROWS][2], int m, int n, int row0, int col0,
                              int first, int last, int activation) {
    int whole = col0 + COLS <= n;
    VEC bias0 = 0.0f, bias1 = 0.0f;
    if (last && bias != 0 && whole) {
        bias0 = VLOAD(0, bias + col0);
        bias1 = VLOAD(1, bias + col0);
    }
    for (int i = 0; i < ROWS && row0 + i < m; i++) {
        GLOBAL float* dst = c + (row0 + i) * n + col0;
        if (whole) {
            VEC v0 = acc[i][0], v1 = acc[i][1];
            if (!first) {
                v0 += VLOAD(0, dst);
                v1 += VLOAD(1, dst);
            }
            if (last) {
                v0 += bias0;
                v1 += bias1;
                if (activation != ACT_NONE) {
                    v0 = activate_polynomial(v0, activation);
                    v1 = activate_polynomial(v1, activation);
                }
            }
            VSTORE(v0, 0, dst);
            VSTORE(v1, 1, dst);
        } else {
            float row[COLS];
            VSTORE(acc[i][0], 0, row);
            VSTORE(acc[i][1], 1, row);
            for (int j = 0; col0 + j < n; j++) {
                float v = first ? row[j] : dst[j] + row[j];
                if (last) {
                    if (bias != 0) v += bias[col0 + j];
                    if (activation != ACT_NONE) v = activate_polynomial(v, activation);
                }
                dst[j] = v;
            }
        }
    }
}

/* The first of the row blocks of share s, when the grid's x dimension splits them evenly; share s ends where s + 1 begins. */
static inline int gemm_share_start(int blocks, int s) {
    return s * blocks / (int) get_global_size(0);
}

#endif
