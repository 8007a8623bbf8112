/*
 * C[b] = op(A[b])*op(B[b]) (+ bias) (then an activation, gelu.h's ACT_*) on CPU devices, the product of gemm_cpu.h; with
 * accumulate, C[b] += op(A[b])*op(B[b]) (+ bias) (a residual connection: the first chunk adds to C as later ones do). Grid: x
 * splits the row blocks, y the panels of COLS columns of C, z the batch; one work-item per group.
 * A is [k, m] when TRANSPOSED_A, else [m, k]; B is [n, k] when transposed_b, else [k, n]; bias [n]
 * or null. A transposed A is read down its columns, the ROWS values of a step side by side.
 * TRANSPOSED_A is fixed when the program is built: with a stride known only at run time, the
 * product of an untransposed A ran 20% slower (and PoCL 3.1 miscompiled a branch between two
 * inlined products).
 * With PACKED_B, B does not change between executions (a weight): pack_b lays it out once as the
 * panels each work-item would pack (panel p of batch b at (b * panels + p) * COLS * k, k-major,
 * zero past n), and matmul reads them in place instead of packing B again on every run, which at
 * 197 rows (a batch of one image) cost as much as a fifth of the product.
 */
#if PACKED_B
#define PANEL_SPACE GLOBAL
#endif
#include "portable.h"
#include "gemm_cpu.h"

#if PACKED_B
/* Grid: x the panels, y the batch. */
KERNEL void pack_b(GLOBAL float* panels, GLOBAL const float* b, int n, int k, int transposed_b) {
    int batch = (int) get_global_id(1), panel = (int) get_global_id(0), count = (int) get_global_size(0);
    gemm_pack_panel(panels + ((size_t) batch * count + panel) * COLS * k, b + (size_t) batch * n * k, n, k, panel * COLS, 0, k,
                    transposed_b);
}
#endif

KERNEL void matmul(GLOBAL float* c, GLOBAL const float* a, GLOBAL const float* b, GLOBAL const float* bias,
                   int m, int n, int k, int transposed_b, int activation, int accumulate) {
#if !PACKED_B
    LOCAL VEC panel[DEPTH * 2];
#endif
    int batch = (int) get_global_id(2), col0 = (int) get_global_id(1) * COLS;
    a += batch * m * k;
    c += batch * m * n;
#if PACKED_B
    b += ((size_t) batch * get_global_size(1) + get_global_id(1)) * COLS * k;
#else
    b += batch * n * k;
#endif
    int blocks = (m + ROWS - 1) / ROWS, share = (int) get_global_id(0);
    int first_block = gemm_share_start(blocks, share), end_block = gemm_share_start(blocks, share + 1);

    for (int k0 = 0; k0 < k; k0 += DEPTH) {
        int depth = min(DEPTH, k - k0);
#if PACKED_B
        GLOBAL const VEC* panel = (GLOBAL const VEC*) (b + (size_t) k0 * COLS);
#else
        gemm_pack_panel((LOCAL float*) panel, b, n, k, col0, k0, depth, transposed_b);
#endif
        for (int block = first_block; block < end_block; block++) {
            int row0 = block * ROWS;
            GLOBAL const float* rows[ROWS];
            VEC acc[ROWS][2];
#pragma unroll
            for (int i = 0; i < ROWS; i++) {
                int row = min(row0 + i, m - 1);
                rows[i] = TRANSPOSED_A ? a + k0 * m + row : a + row * k + k0;
                acc[i][0] = acc[i][1] = 0.0f;
            }
            gemm_multiply(acc, rows, TRANSPOSED_A ? m : 1, panel, depth);
            gemm_store(c, bias, acc, m, n, row0, col0, k0 == 0 && !accumulate, k0 + depth == k, activation);
        }
    }
}
