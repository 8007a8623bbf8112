/*
 * Patch embedding's weight gradient dweight = dout^T * columns, as the tiled product of gemm.h:
 * M = hidden, N = channels * patch^2, summed over the rows (batch * patches). A is dout transposed,
 * read in place (neighbouring threads along dout's rows); B is the image's columns, im2col on the
 * fly as in patch_embed.cl. The bias's gradient, dout's column sums, is the next launch's (sum_rows.cl).
 */
#include "portable.h"
#include "gemm.h"

KERNEL void patch_embed_backward(GLOBAL float* dweight, GLOBAL const float* dout, GLOBAL const float* image,
                                 int channels, int height, int width, int patch, int rows, int hidden) {
    LOCAL float as[TILE_K * TILE];
    LOCAL float bs[TILE_K * TILE];
    int across = width / patch, patches = (height / patch) * across, area = patch * patch;
    int n = channels * area;
    int tx = THREAD_X, ty = THREAD_Y, tid = ty * THREADS + tx;
    int row0 = GROUP_Y * TILE, col0 = GROUP_X * TILE;

    float acc[WORK][WORK];
    for (int i = 0; i < WORK; i++)
        for (int j = 0; j < WORK; j++) acc[i][j] = 0.0f;

    for (int k0 = 0; k0 < rows; k0 += TILE_K) {
        for (int e = tid; e < TILE_K * TILE; e += GROUP_THREADS) {
            int kk = e / TILE, i = e % TILE, r = k0 + kk, c = col0 + i;
            as[kk * TILE + i] = r < rows && row0 + i < hidden ? dout[r * hidden + row0 + i] : 0.0f;
            float v = 0.0f;
            if (r < rows && c < n) {
                int b = r / patches, p = r % patches;
                int ch = c / area, dy = (c % area) / patch, dx = c % patch;
                v = image[((b * channels + ch) * height + (p / across) * patch + dy) * width + (p % across) * patch + dx];
            }
            bs[kk * TILE + i] = v;
        }
        BARRIER();
        gemm_multiply(as, bs, acc, tx, ty);
        BARRIER();
    }
    gemm_store(dweight, 0, acc, hidden, n, row0, col0, tx, ty, 0, 0);
}
