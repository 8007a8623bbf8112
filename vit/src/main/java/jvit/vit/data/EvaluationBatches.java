package jvit.vit.data;

import java.lang.foreign.MemorySegment;
import jvit.vit.image.Preprocessing;

/** The batches that evaluate a model on a dataset: every image once, in the dataset's order, as it is; the last batch may be partial. */
public final class EvaluationBatches {
    private final Dataset data;
    private final BatchWriter writer;
    private final int batchSize;

    public EvaluationBatches(Dataset data, Preprocessing preprocessing, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        this.data = data;
        this.writer = new BatchWriter(data, preprocessing);
        this.batchSize = batchSize;
    }

    public int batchSize() { return batchSize; }

    /** Batches to cover the dataset, the last one partial when the batch size does not divide its count. */
    public int count() { return Math.ceilDiv(data.count(), batchSize); }

    /**
     * Writes batch {@code batch} into {@code images} ({@code [batchSize, 1, size, size]} float32) and
     * {@code labels} ({@code [batchSize]} float32) and returns how many images it holds; the slots
     * after them keep what they held.
     */
    public int fill(int batch, MemorySegment images, MemorySegment labels) {
        if (batch < 0 || batch >= count()) throw new IndexOutOfBoundsException("batch " + batch + " of " + count());
        writer.requireRoom(batchSize, images, labels);
        int first = batch * batchSize;
        int n = Math.min(batchSize, data.count() - first);
        for (int slot = 0; slot < n; slot++) writer.write(first + slot, Augmentation.Placement.AS_IS, slot, images, labels);
        return n;
    }
}
