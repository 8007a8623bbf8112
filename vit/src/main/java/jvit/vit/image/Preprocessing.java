package jvit.vit.image;

import java.util.Arrays;

/**
 * How an image becomes a model input, as the checkpoint's own processor does it: resize so the
 * shorter side is {@code size / cropPct}, center-crop {@code size × size}, scale to [0, 1], then
 * {@code (x - mean) / std} per channel. {@code cropPct = 1} resizes straight to the square (Hugging
 * Face's {@code ViTImageProcessor}); timm uses 0.875 or 0.9.
 *
 * @param size side of the square model input
 * @param cropPct fraction of the resized image kept by the center crop, in (0, 1]
 * @param interpolation resampling filter
 * @param mean per-channel mean, one entry per channel
 * @param std per-channel standard deviation, one entry per channel
 */
public record Preprocessing(int size, double cropPct, Interpolation interpolation, float[] mean, float[] std) {
    public enum Interpolation { BILINEAR, BICUBIC }

    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    public Preprocessing {
        if (size <= 0) throw new IllegalArgumentException("image size must be positive");
        if (!(cropPct > 0 && cropPct <= 1)) throw new IllegalArgumentException("crop_pct must be in (0, 1], got " + cropPct);
        if (mean.length != std.length) throw new IllegalArgumentException("image_mean and image_std differ in length");
        for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("image_std must be positive");
        mean = mean.clone();
        std = std.clone();
    }

    /** Hugging Face's {@code ViTImageProcessor} defaults: bilinear straight to the square, mean = std = 0.5. */
    public static Preprocessing huggingFace(int size, int channels) {
        float[] half = new float[channels];
        Arrays.fill(half, 0.5f);
        return new Preprocessing(size, 1.0, Interpolation.BILINEAR, half, half);
    }

    public int channels() { return mean.length; }

    public float[] mean() { return mean.clone(); }

    public float[] std() { return std.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && p.size == size && p.cropPct == cropPct && p.interpolation == interpolation
                && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std) + size; }

    @Override
    public String toString() {
        return "Preprocessing[size=" + size + ", cropPct=" + cropPct + ", " + interpolation + ", mean="
                + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
