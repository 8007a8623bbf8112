package jvit.vit.image;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Turns an image into a model input as the checkpoint's own processor does ({@link Preprocessing}):
 * resize, center crop, then per channel {@code (v / 255 - mean) / std}, written as float32 in
 * channel-major (CHW) order. Batches are filled image by image: image {@code i} goes at float
 * offset {@code i × channels × size × size}.
 */
public final class Preprocessor {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Preprocessor() {}

    /** Decodes {@code file} and writes it as the input tensor at float index {@code offset} of {@code dst}. */
    public static void apply(Path file, Preprocessing p, MemorySegment dst, long offset) {
        apply(Images.decode(file, p.channels()), p, dst, offset);
    }

    /** Writes {@code image} (with {@code p.channels()} channels) as the input tensor at float index {@code offset} of {@code dst}. */
    public static void apply(Uint8Image image, Preprocessing p, MemorySegment dst, long offset) {
        normalize(resizeAndCrop(image, p), p, dst, offset);
    }

    /**
     * The {@code size × size} pixels the model sees. With {@code cropPct = 1} the image is resized
     * straight to the square (Hugging Face); otherwise, as timm and torchvision do, its shorter side
     * goes to {@code floor(size / cropPct)}, the longer side in proportion (truncated), and the
     * center is cut out at {@code round((w - size) / 2)}, {@code round((h - size) / 2)}, rounding half to even.
     */
    public static Uint8Image resizeAndCrop(Uint8Image image, Preprocessing p) {
        int size = p.size();
        if (p.cropPct() == 1.0) return Resize.resize(image, size, size, p.interpolation());
        int scaled = (int) Math.floor(size / p.cropPct());
        int w = image.width();
        int h = image.height();
        int shorter = Math.min(w, h);
        int longer = (int) ((double) scaled * Math.max(w, h) / shorter);
        Uint8Image resized = w <= h
                ? Resize.resize(image, scaled, longer, p.interpolation())
                : Resize.resize(image, longer, scaled, p.interpolation());
        int left = (int) Math.rint((resized.width() - size) / 2.0);
        int top = (int) Math.rint((resized.height() - size) / 2.0);
        return resized.crop(left, top, size, size);
    }

    /** Writes a {@code size × size} image as {@code (v / 255 - mean) / std}, channel by channel, from float index {@code offset}. */
    public static void normalize(Uint8Image square, Preprocessing p, MemorySegment dst, long offset) {
        int channels = p.channels();
        if (square.channels() != channels || square.width() != p.size() || square.height() != p.size()) {
            throw new IllegalArgumentException(square.width() + "x" + square.height() + "x" + square.channels()
                    + " image, the model takes " + p.size() + "x" + p.size() + "x" + channels);
        }
        float[] mean = p.mean();
        float[] std = p.std();
        long plane = (long) p.size() * p.size();
        for (int c = 0; c < channels; c++) {
            long base = offset + c * plane;
            for (int y = 0; y < p.size(); y++) {
                for (int x = 0; x < p.size(); x++) {
                    float v = (square.get(x, y, c) / 255f - mean[c]) / std[c];
                    dst.setAtIndex(FLOAT, base + (long) y * p.size() + x, v);
                }
            }
        }
    }
}
