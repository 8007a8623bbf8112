/*
 * out[b] = in[b]^T, in [batch, rows, cols]: one TILE x TILE block per work-group (the batch in z),
 * read along in's rows into local memory and written along out's rows, so that both sides are
 * coalesced; the tile has a column of padding so that reading it down a column hits every memory
 * bank once. Any group shape of at most TILE x TILE threads covers the block.
 */
#include "portable.h"

#define TILE 32

KERNEL void transpose(GLOBAL float* out, GLOBAL const float* in, int rows, int cols) {
    LOCAL float tile[TILE][TILE + 1];
    in += GROUP_Z * rows * cols;
    out += GROUP_Z * rows * cols;
    int row0 = GROUP_Y * TILE, col0 = GROUP_X * TILE;
    for (int i = THREAD_Y; i < TILE; i += GROUP_SIZE_Y)
        for (int j = THREAD_X; j < TILE; j += GROUP_SIZE_X)
            if (row0 + i < rows && col0 + j < cols) tile[i][j] = in[(row0 + i) * cols + col0 + j];
    BARRIER();
    for (int j = THREAD_Y; j < TILE; j += GROUP_SIZE_Y)
        for (int i = THREAD_X; i < TILE; i += GROUP_SIZE_X)
            if (row0 + i < rows && col0 + j < cols) out[(col0 + j) * rows + row0 + i] = tile[i][j];
}
