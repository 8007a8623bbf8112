/*
 * Patch embedding's weight gradient on CPU devices, dweight = dout^T * columns, as the product of
 * gemm_cpu.h: A = dout^T, read down dout's [rows, hidden] columns; B = the image's columns
 * [rows, channels * patch^2], packed into the panel straight from the image (im2col a chunk of
 * rows at a time). Grid as matmul_cpu's, without the batch.
 */
#include "portable.h"
#include "gemm_cpu.h"

KERNEL void patch_embed_backward(GLOBAL float* dweight, GLOBAL const float* dout, GLOBAL const float* image,
                                 int channels, int height, int width, int patch, int rows, int hidden) {
    LOCAL VEC panel[DEPTH * 2];
    int across = width / patch, patches = (height / patch) * across, area = patch * patch;
    int n = channels * area, col0 = (int) get_global_id(1) * COLS;
    int offset[COLS]; /* where column col0 + j of the columns lies from a patch's corner in channel 0; -1 past n */
    for (int j = 0; j < COLS; j++) {
        int c = col0 + j;
        offset[j] = c < n ? ((c / area) * height + (c % area) / patch) * width + c % patch : -1;
    }
    int blocks = (hidden + ROWS - 1) / ROWS, share = (int) get_global_id(0);
    int first_block = gemm_share_start(blocks, share), end_block = gemm_share_start(blocks, share + 1);

    for (int k0 = 0; k0 < rows; k0 += DEPTH) {
        int depth = min(DEPTH, rows - k0);
        LOCAL float* packed = (LOCAL float*) panel;
        for (int kk = 0; kk < depth; kk++) {
            int r = k0 + kk, p = r % patches;
            GLOBAL const float* corner = image + ((r / patches) * channels * height + (p / across) * patch) * width + (p % across) * patch;
            for (int j = 0; j < COLS; j++) packed[kk * COLS + j] = offset[j] >= 0 ? corner[offset[j]] : 0.0f;
        }
        for (int block = first_block; block < end_block; block++) {
            int row0 = block * ROWS;
            GLOBAL const float* a[ROWS];
            VEC acc[ROWS][2];
#pragma unroll
            for (int i = 0; i < ROWS; i++) {
                a[i] = dout + k0 * hidden + min(row0 + i, hidden - 1);
                acc[i][0] = acc[i][1] = 0.0f;
            }
            gemm_multiply(acc, a, hidden, panel, depth);
            gemm_store(dweight, 0, acc, hidden, n, row0, col0, k0 == 0, k0 + depth == rows, 0);
        }
    }
}
