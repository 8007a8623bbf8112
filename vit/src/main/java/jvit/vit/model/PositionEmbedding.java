package jvit.vit.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jvit.vit.ViTConfig.PositionResampling;

/**
 * Resamples learned position embeddings to another patch grid, so a checkpoint runs at another
 * image size: the prefix tokens' embeddings (class, distillation, registers) are kept, the patch embeddings are treated as a
 * {@code grid × grid} image with {@code hidden} channels and resized bicubically as the
 * checkpoint's own library does it: Hugging Face's {@code interpolate_pos_encoding} with PyTorch's
 * {@code F.interpolate(mode="bicubic", align_corners=False)}, timm's {@code resample_abs_pos_embed}
 * with {@code antialias=True} besides (another cubic, a = -0.5, widened when shrinking, weights
 * normalised, no border replication).
 */
public final class PositionEmbedding {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** PyTorch's bicubic coefficient, and that of its antialiased bicubic (PIL's). */
    private static final double A = -0.75, ANTIALIASED_A = -0.5;

    private PositionEmbedding() {}

    /** {@link PositionResampling#HUGGING_FACE}'s resampling. */
    public static void resample(MemorySegment from, int fromGrid, MemorySegment to, int toGrid, int hidden) {
        resample(PositionResampling.HUGGING_FACE, from, fromGrid, to, toGrid, hidden);
    }

    /** {@code from}: {@code [1 + fromGrid², hidden]}; {@code to}: {@code [1 + toGrid², hidden]}. */
    public static void resample(PositionResampling how, MemorySegment from, int fromGrid, MemorySegment to, int toGrid, int hidden) {
        resample(how, 1, from, fromGrid, to, toGrid, hidden);
    }

    /** {@code from}: {@code [prefix + fromGrid², hidden]}; {@code to}: {@code [prefix + toGrid², hidden]}; {@code prefix} may be 0. */
    public static void resample(PositionResampling how, int prefix, MemorySegment from, int fromGrid, MemorySegment to, int toGrid,
                                int hidden) {
        MemorySegment.copy(from, 0, to, 0, 4L * prefix * hidden);
        int[][] index = new int[toGrid][];
        double[][] weight = new double[toGrid][];
        for (int o = 0; o < toGrid; o++) {
            if (how == PositionResampling.TIMM) {
                antialiasedTaps(o, fromGrid, toGrid, index, weight);
            } else {
                index[o] = new int[4];
                weight[o] = new double[4];
                taps(o, fromGrid, toGrid, index[o], weight[o]);
            }
        }
        for (int oy = 0; oy < toGrid; oy++)
            for (int ox = 0; ox < toGrid; ox++)
                for (int c = 0; c < hidden; c++) {
                    double sum = 0;
                    for (int i = 0; i < index[oy].length; i++)
                        for (int j = 0; j < index[ox].length; j++) {
                            long src = prefix + (long) index[oy][i] * fromGrid + index[ox][j];
                            sum += weight[oy][i] * weight[ox][j] * from.getAtIndex(F, src * hidden + c);
                        }
                    to.setAtIndex(F, (prefix + (long) oy * toGrid + ox) * hidden + c, (float) sum);
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

    /**
     * PyTorch's antialiased taps (its {@code _compute_indices_weights_aa}, as PIL's resize): the
     * source pixels within the filter's support around the output's centre, the support widened
     * by the scale when shrinking, their weights normalised to sum to one.
     */
    static void antialiasedTaps(int o, int fromSize, int toSize, int[][] index, double[][] weight) {
        double scale = (double) fromSize / toSize, support = scale >= 1 ? 2 * scale : 2, invScale = scale >= 1 ? 1 / scale : 1;
        double center = scale * (o + 0.5);
        int min = Math.max((int) (center - support + 0.5), 0), size = Math.min((int) (center + support + 0.5), fromSize) - min;
        index[o] = new int[size];
        weight[o] = new double[size];
        double total = 0;
        for (int j = 0; j < size; j++) {
            index[o][j] = min + j;
            weight[o][j] = cubic(Math.abs((j + min - center + 0.5) * invScale), ANTIALIASED_A);
            total += weight[o][j];
        }
        if (total != 0) for (int j = 0; j < size; j++) weight[o][j] /= total;
    }

    /** Keys' cubic convolution kernel with coefficient {@link #A}. */
    private static double cubic(double d) {
        return cubic(d, A);
    }

    private static double cubic(double d, double a) {
        if (d < 1) return ((a + 2) * d - (a + 3)) * d * d + 1;
        if (d < 2) return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
        return 0;
    }
}
