/*
 * Patch embedding on CPU devices, a convolution with stride = kernel = patch, as the product of
 * gemm_cpu.h: row r of A is patch r (batch-major, patches row-major), flattened as [channel, dy, dx]
 * like the weight [hidden, channels, patch, patch], which is B transposed. A row is read in place,
 * one line of `patch` pixels at a time; DEPTH is a multiple of patch, so chunks hold whole lines.
 * Grid as matmul_cpu's, without the batch.
 * With PACKED_B the weight does not change between executions: matmul_cpu.cl's pack_b lays it out
 * once as the panels, read here in place. Packing each work-item's panel on every run was a third
 * of ViT-B/16's patch embedding at batch 1 (1.5 ms against 0.6 for the product).
 */
#if PACKED_B
#define PANEL_SPACE GLOBAL
#endif
#include "portable.h"
#include "gemm_cpu.h"

KERNEL void patch_embed(GLOBAL float* out, GLOBAL const float* image, GLOBAL const float* weight, GLOBAL const float* bias,
                        int channels, int height, int width, int patch, int rows, int hidden) {
    int across = width / patch, patches = (height / patch) * across;
    int k = channels * patch * patch, col0 = (int) get_global_id(1) * COLS;
#if PACKED_B
    weight += (size_t) get_global_id(1) * COLS * k;
#else
    LOCAL VEC panel[DEPTH * 2];
#endif
    int blocks = (rows + ROWS - 1) / ROWS, share = (int) get_global_id(0);
    int first_block = gemm_share_start(blocks, share), end_block = gemm_share_start(blocks, share + 1);

    for (int k0 = 0; k0 < k; k0 += DEPTH) {
        int depth = min(DEPTH, k - k0);
#if PACKED_B
        GLOBAL const VEC* panel = (GLOBAL const VEC*) (weight + (size_t) k0 * COLS);
#else
        gemm_pack_panel((LOCAL float*) panel, weight, hidden, k, col0, k0, depth, 1);
#endif
        for (int block = first_block; block < end_block; block++) {
            int row0 = block * ROWS;
            GLOBAL const float* corner[ROWS]; /* each row's patch: its top-left pixel in channel 0 */
            VEC acc[ROWS][2];
#pragma unroll
            for (int i = 0; i < ROWS; i++) {
                int r = min(row0 + i, rows - 1), p = r % patches;
                corner[i] = image + ((r / patches) * channels * height + (p / across) * patch) * width + (p % across) * patch;
                acc[i][0] = acc[i][1] = 0.0f;
            }
            for (int line = k0 / patch; line < (k0 + depth) / patch; line++) { /* channel line / patch, row line % patch */
                GLOBAL const float* pixels[ROWS];
                int offset = ((line / patch) * height + line % patch) * width;
#pragma unroll
                for (int i = 0; i < ROWS; i++) pixels[i] = corner[i] + offset;
                gemm_multiply(acc, pixels, 1, panel + 2 * (line * patch - k0), patch);
            }
            gemm_store(out, bias, acc, rows, hidden, row0, col0, k0 == 0, k0 + depth == k, 0);
        }
    }
}
