package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;

/** Matrix transposition, in 32×32 blocks so that both the reads and the writes stay in cache. */
public final class Transpose {
    private static final int BLOCK = 32;

    private Transpose() {}

    /** {@code out[b] = in[b]ᵀ}: in {@code [batch, rows, cols]}, out {@code [batch, cols, rows]}. */
    public static void forward(MemorySegment out, MemorySegment in, int batch, int rows, int cols) {
        int rowBlocks = (rows + BLOCK - 1) / BLOCK;
        Parallel.forRange(batch * rowBlocks, (from, to) -> {
            for (int t = from; t < to; t++) {
                int b = t / rowBlocks, r0 = (t % rowBlocks) * BLOCK, r1 = Math.min(rows, r0 + BLOCK);
                long base = (long) b * rows * cols;
                for (int c0 = 0; c0 < cols; c0 += BLOCK)
                    for (int r = r0; r < r1; r++)
                        for (int c = c0, c1 = Math.min(cols, c0 + BLOCK); c < c1; c++)
                            F32.set(out, base + (long) c * rows + r, F32.get(in, base + (long) r * cols + c));
            }
        });
    }
}
