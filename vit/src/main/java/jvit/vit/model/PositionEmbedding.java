package jvit.vit.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Resamples learned position embeddings to another patch grid, so a checkpoint runs at another
 * image size: the class token's embedding is kept, the patch embeddings are treated as a
 * {@code grid × grid} image with {@code hidden} channels and resized bicubically, as PyTorch's
 * {@code F.interpolate(mode="bicubic", align_corners=False)} does in Hugging Face's
 * {@code interpolate_pos_encoding} and timm's {@code resample_abs_pos_embed}.
 */
public final class PositionEmbedding {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** PyTorch's bicubic coefficient. */
    private static final double A = -0.75;

    private PositionEmbedding() {}

    /** {@code from}: {@code [1 + fromGrid², hidden]}; {@code to}: {@code [1 + toGrid², hidden]}. */
    public static void resample(MemorySegment from, int fromGrid, MemorySegment to, int toGrid, int hidden) {
        MemorySegment.copy(from, 0, to, 0, 4L * hidden); // class token
        int[][] index = new int[toGrid][4];
        double[][] weight = new double[toGrid][4];
        for (int o = 0; o < toGrid; o++) taps(o, fromGrid, toGrid, index[o], weight[o]);
        for (int oy = 0; oy < toGrid; oy++)
            for (int ox = 0; ox < toGrid; ox++)
                for (int c = 0; c < hidden; c++) {
                    double sum = 0;
                    for (int i = 0; i < 4; i++)
                        for (int j = 0; j < 4; j++) {
                            long src = 1 + (long) index[oy][i] * fromGrid + index[ox][j];
                            sum += weight[oy][i] * weight[ox][j] * from.getAtIndex(F, src * hidden + c);
                        }
                    to.setAtIndex(F, (1 + (long) oy * toGrid + ox) * hidden + c, (float) sum);
                }
    }

    /** The four source indices (clamped to the border) and weights of output position {@code o}. */
    static void taps(int o, int fromSize, int toSize, int[] index, double[] weight) {
        double x = (o + 0.5) * fromSize / toSize - 0.5; // align_corners=False
        int x0 = (int) Math.floor(x);
        double t = x - x0;
        for (int i = 0; i < 4; i++) {
            index[i] = Math.clamp(x0 - 1 + i, 0, fromSize - 1);
            weight[i] = cubic(Math.abs(t - (i - 1)));
        }
    }

    /** Keys' cubic convolution kernel with coefficient {@link #A}. */
    private static double cubic(double d) {
        if (d <= 1) return ((A + 2) * d - (A + 3)) * d * d + 1;
        if (d < 2) return ((A * d - 5 * A) * d + 8 * A) * d - 4 * A;
        return 0;
    }
}
