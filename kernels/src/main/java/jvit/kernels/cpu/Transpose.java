package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;

/**
 * Matrix transposition. Whole 16×16 blocks are transposed in registers ({@link MatmulTranspose},
 * with 16-float vectors) into a heap tile whose rows are copied out in bulk; the edges, and every
 * block where vectors are not 16 floats, element by element through a heap tile.
 */
public final class Transpose {
    private static final int BLOCK = MatmulTranspose.SIZE;

    private Transpose() {}

    /** {@code out[b] = in[b]ᵀ}: in {@code [batch, rows, cols]}, out {@code [batch, cols, rows]}. */
    public static void forward(MemorySegment out, MemorySegment in, int batch, int rows, int cols) {
        int rowBlocks = (rows + BLOCK - 1) / BLOCK;
        boolean registers = F32.L == BLOCK;
        Parallel.forRange(batch * rowBlocks, (from, to) -> {
            float[] tile = new float[BLOCK * BLOCK], turned = new float[BLOCK * BLOCK];
            for (int t = from; t < to; t++) {
                int b = t / rowBlocks, r0 = (t % rowBlocks) * BLOCK, r = Math.min(BLOCK, rows - r0);
                long base = (long) b * rows * cols;
                for (int c0 = 0; c0 < cols; c0 += BLOCK) {
                    int c = Math.min(BLOCK, cols - c0);
                    if (registers && r == BLOCK && c == BLOCK) {
                        MatmulTranspose.transpose(in, 4 * (base + (long) r0 * cols + c0), 4L * cols, turned, 0, BLOCK);
                        for (int j = 0; j < BLOCK; j++)
                            F32.store(jdk.incubator.vector.FloatVector.fromArray(F32.S, turned, j * BLOCK), out, base + (long) (c0 + j) * rows + r0);
                        continue;
                    } else {
                        for (int i = 0; i < r; i++) F32.copy(in, base + (long) (r0 + i) * cols + c0, tile, i * BLOCK, c);
                        for (int j = 0; j < c; j++) for (int i = 0; i < r; i++) turned[j * BLOCK + i] = tile[i * BLOCK + j];
                    }
                    for (int j = 0; j < c; j++) F32.copy(turned, j * BLOCK, out, base + (long) (c0 + j) * rows + r0, r);
                }
            }
        });
    }
}
