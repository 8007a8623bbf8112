package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;

/**
 * Matrix transposition in 32×32 blocks: a block's rows are copied in bulk to a heap tile,
 * transposed there, and its columns copied out in bulk (element-wise off-heap access costs ~3×).
 */
public final class Transpose {
    private static final int BLOCK = 32;

    private Transpose() {}

    /** {@code out[b] = in[b]ᵀ}: in {@code [batch, rows, cols]}, out {@code [batch, cols, rows]}. */
    public static void forward(MemorySegment out, MemorySegment in, int batch, int rows, int cols) {
        int rowBlocks = (rows + BLOCK - 1) / BLOCK;
        Parallel.forRange(batch * rowBlocks, (from, to) -> {
            float[] tile = new float[BLOCK * BLOCK], turned = new float[BLOCK * BLOCK];
            for (int t = from; t < to; t++) {
                int b = t / rowBlocks, r0 = (t % rowBlocks) * BLOCK, r = Math.min(BLOCK, rows - r0);
                long base = (long) b * rows * cols;
                for (int c0 = 0; c0 < cols; c0 += BLOCK) {
                    int c = Math.min(BLOCK, cols - c0);
                    for (int i = 0; i < r; i++) F32.copy(in, base + (long) (r0 + i) * cols + c0, tile, i * BLOCK, c);
                    for (int j = 0; j < c; j++) for (int i = 0; i < r; i++) turned[j * BLOCK + i] = tile[i * BLOCK + j];
                    for (int j = 0; j < c; j++) F32.copy(turned, j * BLOCK, out, base + (long) (c0 + j) * rows + r0, r);
                }
            }
        });
    }
}
