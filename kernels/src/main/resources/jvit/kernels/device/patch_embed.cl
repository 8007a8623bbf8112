/*
 * Patch embedding, a convolution with stride = kernel = patch, as the tiled product of gemm.h
 * with im2col done on the fly: row r of A is patch r (batch-major, patches row-major), flattened
 * as [channel, dy, dx] like the weight [hidden, channels, patch, patch], which is B transposed.
 */
#include "portable.h"
#include "gemm.h"

KERNEL void patch_embed(GLOBAL float* out, GLOBAL const float* image, GLOBAL const float* weight, GLOBAL const float* bias,
                        int channels, int height, int width, int patch, int rows, int hidden) {
    LOCAL float as[TILE_K * TILE];
    LOCAL float bs[TILE_K * TILE];
    int across = width / patch, patches = (height / patch) * across, area = patch * patch;
    int k = channels * area;
    int tx = THREAD_X, ty = THREAD_Y, tid = ty * THREADS + tx;
    int row0 = GROUP_Y * TILE, col0 = GROUP_X * TILE;

    float acc[WORK][WORK];
    for (int i = 0; i < WORK; i++)
        for (int j = 0; j < WORK; j++) acc[i][j] = 0.0f;

    for (int k0 = 0; k0 < k; k0 += TILE_K) {
        for (int e = tid; e < TILE_K * TILE; e += GROUP_THREADS) {
            int kk = e % TILE_K, row = e / TILE_K;
            int gr = row0 + row, gk = k0 + kk;
            float v = 0.0f;
            if (gr < rows && gk < k) {
                int b = gr / patches, p = gr % patches;
                int ch = gk / area, dy = (gk % area) / patch, dx = gk % patch;
                int y = (p / across) * patch + dy, x = (p % across) * patch + dx;
                v = image[((b * channels + ch) * height + y) * width + x];
            }
            as[kk * TILE + row] = v;
        }
        gemm_load_tile(bs, weight, hidden, k, col0, k0, 1, tid);
        BARRIER();
        gemm_multiply(as, bs, acc, tx, ty);
        BARRIER();
    }
    gemm_store(out, bias, acc, rows, hidden, row0, col0, tx, ty, 0, 0);
}
