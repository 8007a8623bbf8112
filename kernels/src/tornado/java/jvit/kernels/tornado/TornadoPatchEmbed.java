package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Patch embedding, a convolution with stride = kernel = patch, as a matrix product over the image's
 * columns (im2col): row r of the columns is patch r (batch-major, patches row-major), flattened as
 * [channel, dy, dx] like the weight {@code [hidden, channels, patch, patch]}. patch_embed.cl does the
 * im2col on the fly inside its tiles; here it is a task of its own, so that the forward pass is
 * {@link #columns} then {@link TornadoMatmul}'s product with the weight (B transposed, bias), and
 * the backward pass {@link #columns} then the product {@code dweight = doutᵀ·columns} (A transposed)
 * and the column sums of dout ({@link TornadoSumRows}) for the bias. See {@link TornadoKernels}.
 */
public final class TornadoPatchEmbed {
    private TornadoPatchEmbed() {}

    /** {@code columns[r][ch, dy, dx]} from the image {@code [batch, channels, height, width]}: one work-item per element. */
    public static void columns(KernelContext context, FloatArray columns, FloatArray image, int channels, int height, int width,
                               int patch, int rows) {
        int i = context.globalIdx, area = patch * patch, k = channels * area;
        if (i < rows * k) {
            int across = width / patch, patches = (height / patch) * across;
            int r = i / k, e = i % k;
            int b = r / patches, p = r % patches;
            int ch = e / area, dy = (e % area) / patch, dx = e % patch;
            int y = (p / across) * patch + dy, x = (p % across) * patch + dx;
            columns.set(i, image.get(((b * channels + ch) * height + y) * width + x));
        }
    }
}
