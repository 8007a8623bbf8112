package jvit.vit.image;

import jvit.vit.image.Preprocessing.Interpolation;

/**
 * Image resizing exactly as PIL's {@code Image.resize} does it, which is what Hugging Face's image
 * processors and timm/torchvision use, so that jvit sees the pixels the model was trained on.
 * Separable: a horizontal pass, rounded to 8 bits, then a vertical pass. Each output pixel's
 * centre maps to {@code (i + 0.5) · scale} in the input; when shrinking, the filter is stretched by
 * the scale (antialiasing). The normalised weights are fixed-point numbers with 22 fractional bits
 * and every sum is rounded and clamped to 0..255, as in PIL's {@code Resample.c}.
 */
public final class Resize {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private Resize() {}

    /** {@code image} resampled to {@code width × height}; the same image when the size is unchanged. */
    public static Uint8Image resize(Uint8Image image, int width, int height, Interpolation interpolation) {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("resize to " + width + "x" + height);
        Uint8Image out = image;
        if (width != image.width()) out = horizontal(out, Weights.of(image.width(), width, interpolation));
        if (height != image.height()) out = vertical(out, Weights.of(image.height(), height, interpolation));
        return out;
    }

    /**
     * For each output index, the first input index it reads, how many it reads, and their weights
     * ({@code ksize} slots an output, fixed point).
     */
    private record Weights(int[] first, int[] count, int[] weights, int ksize) {
        static Weights of(int inSize, int outSize, Interpolation interpolation) {
            double support = interpolation == Interpolation.BICUBIC ? 2 : 1;
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            support *= filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] first = new int[outSize];
            int[] count = new int[outSize];
            int[] weights = new int[outSize * ksize];
            double[] k = new double[ksize];
            // Multiplying by the reciprocal, not dividing, keeps the weights bit-identical to PIL's.
            double inverse = 1.0 / filterScale;
            for (int i = 0; i < outSize; i++) {
                double center = (i + 0.5) * scale;
                // PIL rounds the bounds with (int)(v + 0.5), truncating toward zero.
                int min = Math.max((int) (center - support + 0.5), 0);
                int n = Math.min((int) (center + support + 0.5), inSize) - min;
                double sum = 0;
                for (int x = 0; x < n; x++) {
                    k[x] = filter(interpolation, (x + min - center + 0.5) * inverse);
                    sum += k[x];
                }
                for (int x = 0; x < n; x++) {
                    double w = sum != 0 ? k[x] / sum : k[x];
                    weights[i * ksize + x] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
                }
                first[i] = min;
                count[i] = n;
            }
            return new Weights(first, count, weights, ksize);
        }

        /** PIL's triangle (support 1) and Keys cubic with a = -0.5 (support 2). */
        private static double filter(Interpolation interpolation, double x) {
            x = Math.abs(x);
            if (interpolation == Interpolation.BILINEAR) return x < 1 ? 1 - x : 0;
            final double a = -0.5;
            if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
            if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
            return 0;
        }
    }

    private static Uint8Image horizontal(Uint8Image in, Weights w) {
        int channels = in.channels();
        int outWidth = w.first.length;
        Uint8Image out = new Uint8Image(outWidth, in.height(), channels);
        byte[] src = in.samples();
        byte[] dst = out.samples();
        for (int y = 0; y < in.height(); y++) {
            int row = y * in.width();
            for (int x = 0; x < outWidth; x++) {
                for (int c = 0; c < channels; c++) {
                    int sum = 1 << (PRECISION_BITS - 1);
                    for (int i = 0; i < w.count[x]; i++) {
                        sum += (src[(row + w.first[x] + i) * channels + c] & 0xFF) * w.weights[x * w.ksize + i];
                    }
                    dst[((y * outWidth) + x) * channels + c] = clip8(sum);
                }
            }
        }
        return out;
    }

    private static Uint8Image vertical(Uint8Image in, Weights w) {
        int channels = in.channels();
        int rowSamples = in.width() * channels;
        int outHeight = w.first.length;
        Uint8Image out = new Uint8Image(in.width(), outHeight, channels);
        byte[] src = in.samples();
        byte[] dst = out.samples();
        for (int y = 0; y < outHeight; y++) {
            for (int s = 0; s < rowSamples; s++) {
                int sum = 1 << (PRECISION_BITS - 1);
                for (int i = 0; i < w.count[y]; i++) {
                    sum += (src[(w.first[y] + i) * rowSamples + s] & 0xFF) * w.weights[y * w.ksize + i];
                }
                dst[y * rowSamples + s] = clip8(sum);
            }
        }
        return out;
    }

    private static byte clip8(int sum) {
        if (sum <= 0) return 0;
        if (sum >= (1 << PRECISION_BITS) << 8) return (byte) 255;
        return (byte) (sum >> PRECISION_BITS);
    }
}
