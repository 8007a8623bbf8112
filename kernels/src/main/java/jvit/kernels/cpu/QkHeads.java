package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;

/**
 * The queries and keys of a fused {@code qkv [rows, 3, heads, headDim]} moved out into matrices of
 * their own and back, so that timm's qk_norm is a LayerNorm over rows of {@code headDim}: each
 * row's q and k are {@code heads·headDim} contiguous floats, copied whole.
 */
public final class QkHeads {
    private QkHeads() {}

    /** {@code q[r] = qkv[r, 0]}, {@code k[r] = qkv[r, 1]}, each {@code [heads·headDim]}. */
    public static void split(MemorySegment q, MemorySegment k, MemorySegment qkv, int rows, int heads, int headDim) {
        long width = (long) heads * headDim;
        Parallel.forRange(rows, (from, to) -> {
            for (long r = from; r < to; r++) {
                F32.copy(qkv, 3 * width * r, q, width * r, width);
                F32.copy(qkv, 3 * width * r + width, k, width * r, width);
            }
        });
    }

    /** {@code out = qkv} with {@code out[r, 0] = q[r]}, {@code out[r, 1] = k[r]}. */
    public static void merge(MemorySegment out, MemorySegment qkv, MemorySegment q, MemorySegment k, int rows, int heads, int headDim) {
        long width = (long) heads * headDim;
        Parallel.forRange(rows, (from, to) -> {
            for (long r = from; r < to; r++) {
                F32.copy(q, width * r, out, 3 * width * r, width);
                F32.copy(k, width * r, out, 3 * width * r + width, width);
                F32.copy(qkv, 3 * width * r + 2 * width, out, 3 * width * r + 2 * width, width);
            }
        });
    }
}
