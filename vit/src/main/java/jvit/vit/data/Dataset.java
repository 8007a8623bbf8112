package jvit.vit.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import jvit.vit.image.Uint8Image;

/**
 * Labelled grey images held as they come in the files: {@code count × height × width} unsigned
 * bytes, row by row, and a class index per image. Immutable; subsets copy.
 */
public final class Dataset {
    private final int height;
    private final int width;
    private final byte[] pixels;
    private final byte[] labels;

    /** The two parts of a {@link #split}: images to train on and images to validate on, each in the order of the whole. */
    public record TrainValidation(Dataset train, Dataset validation) {}

    /** {@code pixels} holds {@code labels.length} images of {@code height × width}; both arrays are copied. */
    public Dataset(int height, int width, byte[] pixels, byte[] labels) {
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("empty images " + width + "x" + height);
        if (pixels.length != (long) labels.length * height * width) {
            throw new IllegalArgumentException(pixels.length + " pixels are not " + labels.length + " images of " + width + "x" + height);
        }
        this.height = height;
        this.width = width;
        this.pixels = pixels.clone();
        this.labels = labels.clone();
    }

    public int count() { return labels.length; }

    public int height() { return height; }

    public int width() { return width; }

    /** The class index of image {@code i}. */
    public int label(int i) { return labels[i] & 0xFF; }

    /** Pixel ({@code x}, {@code y}) of image {@code i}, 0 to 255. */
    public int pixel(int i, int y, int x) { return pixels[(i * height + y) * width + x] & 0xFF; }

    /** Image {@code i} as a one-channel image, to save or preprocess like a file. */
    public Uint8Image image(int i) {
        int size = height * width;
        return new Uint8Image(width, height, 1, Arrays.copyOfRange(pixels, i * size, (i + 1) * size));
    }

    /** The images at {@code indices}, in that order (an index may repeat). */
    public Dataset subset(int[] indices) {
        int size = height * width;
        byte[] p = new byte[indices.length * size];
        byte[] l = new byte[indices.length];
        for (int j = 0; j < indices.length; j++) {
            int i = indices[j];
            System.arraycopy(pixels, i * size, p, j * size, size);
            l[j] = labels[i];
        }
        return new Dataset(height, width, p, l);
    }

    /**
     * {@code validationCount} images drawn at random for validation, the others for training; the
     * same {@code seed} gives the same split on every machine ({@link SplittableRandom}'s sequence is
     * specified), so a resumed run validates on the same images.
     */
    public TrainValidation split(int validationCount, long seed) {
        if (validationCount < 0 || validationCount > count()) {
            throw new IllegalArgumentException("validation count " + validationCount + " is not within 0.." + count());
        }
        int[] shuffled = Shuffle.permutation(count(), new SplittableRandom(Seeds.derive(seed, Seeds.VALIDATION_SPLIT)));
        int[] validation = Arrays.copyOf(shuffled, validationCount);
        int[] train = Arrays.copyOfRange(shuffled, validationCount, count());
        Arrays.sort(validation);
        Arrays.sort(train);
        return new TrainValidation(subset(train), subset(validation));
    }
}
