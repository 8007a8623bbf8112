package jvit.vit.data;

import java.util.SplittableRandom;

/**
 * Random changes to a training image, as torchvision's {@code RandomCrop(size, padding)} and
 * {@code RandomHorizontalFlip()} make them: pad the image with {@code padding} black pixels on
 * every side and cut out an image of the original size at a random offset, then mirror it left to
 * right with probability 0.5.
 *
 * @param padding black pixels added on each side before the crop; 0 for no crop
 * @param flip whether to mirror half of the images
 */
public record Augmentation(int padding, boolean flip) {
    /** Images as they are: evaluation, and training without augmentation. */
    public static final Augmentation NONE = new Augmentation(0, false);

    public Augmentation {
        if (padding < 0) throw new IllegalArgumentException("padding must not be negative, got " + padding);
    }

    /**
     * Where one image lands: the crop takes source pixel ({@code x + dx}, {@code y + dy}) to (x, y),
     * black outside the source; then, if {@code mirrored}, column x of the crop goes to {@code size - 1 - x}.
     */
    record Placement(int dx, int dy, boolean mirrored) {
        static final Placement AS_IS = new Placement(0, 0, false);
    }

    /** The placement of the next image: the crop's offset first, then the flip, each drawn only when enabled. */
    Placement draw(SplittableRandom random) {
        int dx = 0, dy = 0;
        if (padding > 0) {
            dx = random.nextInt(2 * padding + 1) - padding;
            dy = random.nextInt(2 * padding + 1) - padding;
        }
        return new Placement(dx, dy, flip && random.nextBoolean());
    }
}
