package jvit.vit.data;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import jvit.vit.image.Preprocessing;

/**
 * The batches of a training run: each epoch visits the images in its own random order, in full
 * batches (the few images left over are skipped that epoch, so every step has the same batch
 * size), augmented. The order depends on (seed, epoch) and the augmentation on (seed, epoch,
 * batch) only, so any batch can be made again alone: a resumed run sees exactly what an
 * uninterrupted one would have.
 */
public final class TrainingBatches {
    private final Dataset data;
    private final BatchWriter writer;
    private final int batchSize;
    private final Augmentation augmentation;
    private final long seed;
    private int orderEpoch = -1;
    private int[] order;

    public TrainingBatches(Dataset data, Preprocessing preprocessing, int batchSize, Augmentation augmentation, long seed) {
        if (batchSize < 1 || batchSize > data.count()) {
            throw new IllegalArgumentException("batch size " + batchSize + " is not within 1.." + data.count() + " (the images to train on)");
        }
        this.data = data;
        this.writer = new BatchWriter(data, preprocessing);
        this.batchSize = batchSize;
        this.augmentation = augmentation;
        this.seed = seed;
    }

    public int batchSize() { return batchSize; }

    /** Batches in an epoch: the whole batches the dataset fills. */
    public int perEpoch() { return data.count() / batchSize; }

    /** The dataset's indices in the order epoch {@code epoch} visits them. */
    public int[] epochOrder(int epoch) {
        return Shuffle.permutation(data.count(), new SplittableRandom(Seeds.derive(seed, Seeds.EPOCH_ORDER, epoch)));
    }

    /**
     * Writes batch {@code batch} of epoch {@code epoch}: {@link #batchSize} images into
     * {@code images} ({@code [batch, 1, size, size]} float32) and their classes into {@code labels}
     * ({@code [batch]} float32).
     */
    public void fill(int epoch, int batch, MemorySegment images, MemorySegment labels) {
        if (batch < 0 || batch >= perEpoch()) throw new IndexOutOfBoundsException("batch " + batch + " of " + perEpoch());
        writer.requireRoom(batchSize, images, labels);
        if (epoch != orderEpoch) {
            order = epochOrder(epoch);
            orderEpoch = epoch;
        }
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, Seeds.AUGMENTATION, epoch, batch));
        for (int slot = 0; slot < batchSize; slot++)
            writer.write(order[batch * batchSize + slot], augmentation.draw(random), slot, images, labels);
    }
}
