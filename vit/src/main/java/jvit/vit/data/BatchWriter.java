package jvit.vit.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jvit.vit.image.Preprocessing;

/**
 * Writes dataset images into a batch as the model takes them: float32, {@code [batch, 1, size,
 * size]}, each pixel {@code (v / 255 - mean) / std} computed as {@code Preprocessor} does, so
 * an image evaluated from the dataset gives the logits it gives from a PNG file; and labels as
 * float32 class indices, {@code [batch]}.
 */
final class BatchWriter {
    private final Dataset data;
    private final int size;
    /** The normalised value of each byte value: 256 entries instead of a division per pixel. */
    private final float[] normalised = new float[256];
    private final float[] image;

    BatchWriter(Dataset data, Preprocessing preprocessing) {
        if (preprocessing.channels() != 1 || preprocessing.size() != data.height() || preprocessing.size() != data.width()) {
            throw new IllegalArgumentException("the model takes " + preprocessing.size() + "x" + preprocessing.size() + " images with "
                    + preprocessing.channels() + " channels; the dataset's are " + data.width() + "x" + data.height() + " grey");
        }
        this.data = data;
        this.size = preprocessing.size();
        float mean = preprocessing.mean()[0], std = preprocessing.std()[0];
        for (int v = 0; v < 256; v++) normalised[v] = (v / 255f - mean) / std;
        this.image = new float[size * size];
    }

    int imageElements() { return size * size; }

    /** Checks that the segments hold {@code batch} images and labels. */
    void requireRoom(int batch, MemorySegment images, MemorySegment labels) {
        if (images.byteSize() < (long) batch * imageElements() * Float.BYTES || labels.byteSize() < (long) batch * Float.BYTES) {
            throw new IllegalArgumentException("segments of " + images.byteSize() + " and " + labels.byteSize() + " bytes do not hold "
                    + batch + " images of " + size + "x" + size + " floats and their labels");
        }
    }

    /** Writes image {@code index} of the dataset, placed by {@code placement}, and its label into slot {@code slot} of the batch. */
    void write(int index, Augmentation.Placement placement, int slot, MemorySegment images, MemorySegment labels) {
        for (int y = 0; y < size; y++) {
            int sy = y + placement.dy();
            for (int x = 0; x < size; x++) {
                int sx = (placement.mirrored() ? size - 1 - x : x) + placement.dx();
                boolean inside = sy >= 0 && sy < size && sx >= 0 && sx < size;
                image[y * size + x] = normalised[inside ? data.pixel(index, sy, sx) : 0];
            }
        }
        MemorySegment.copy(image, 0, images, ValueLayout.JAVA_FLOAT, (long) slot * image.length * Float.BYTES, image.length);
        labels.setAtIndex(ValueLayout.JAVA_FLOAT, slot, data.label(index));
    }
}
