package jvit.kernels.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jvit.kernels.Op.Activation;

/**
 * Patch embedding: the convolution with stride = kernel = patch that turns an image into a
 * sequence of patch vectors. Done as im2col (each patch flattened as {@code [channel, row, col]},
 * the layout of the conv weight) followed by one matmul.
 */
public final class PatchEmbed {
    private PatchEmbed() {}

    /**
     * image {@code [batch, channels, height, width]}, weight {@code [hidden, channels, patch, patch]},
     * bias {@code [hidden]}; out {@code [batch, (height/patch)·(width/patch), hidden]}.
     */
    public static void forward(MemorySegment out, MemorySegment image, MemorySegment weight, MemorySegment bias,
                               int batch, int channels, int height, int width, int patch, int hidden) {
        int patches = (height / patch) * (width / patch), patchElements = channels * patch * patch;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment columns = columns(arena, image, batch, channels, height, width, patch);
            Matmul.forward(out, columns, weight, bias, 1, batch * patches, hidden, patchElements, false, true, Activation.NONE);
        }
    }

    /**
     * Gradients of the weight and bias: {@code dweight = doutᵀ·columns}, {@code dbias = Σ_rows dout},
     * with dout {@code [batch·patches, hidden]} and the image's columns {@code [batch·patches, C·p·p]}.
     */
    public static void backward(MemorySegment dweight, MemorySegment dbias, MemorySegment dout, MemorySegment image,
                                int batch, int channels, int height, int width, int patch, int hidden) {
        int rows = batch * (height / patch) * (width / patch), patchElements = channels * patch * patch;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment columns = columns(arena, image, batch, channels, height, width, patch);
            Matmul.forward(dweight, dout, columns, null, 1, hidden, patchElements, rows, true, false, Activation.NONE);
            SumRows.forward(dbias, dout, rows, hidden);
        }
    }

    /** im2col: each patch flattened as {@code [channel, row, col]}, one row per patch, patches in row-major order. */
    private static MemorySegment columns(Arena arena, MemorySegment image, int batch, int channels, int height, int width, int patch) {
        int across = width / patch, patches = (height / patch) * across;
        int patchElements = channels * patch * patch;
        MemorySegment columns = arena.allocate((long) batch * patches * patchElements * 4, 64);
        Parallel.forRange(batch * patches, (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / patches, p = row % patches;
                int y0 = (p / across) * patch, x0 = (p % across) * patch;
                long dst = (long) row * patchElements;
                for (int ch = 0; ch < channels; ch++)
                    for (int dy = 0; dy < patch; dy++) {
                        long src = (((long) b * channels + ch) * height + y0 + dy) * width + x0;
                        F32.copy(image, src, columns, dst, patch);
                        dst += patch;
                    }
            }
        });
        return columns;
    }
}
