package jvit.vit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import jvit.vit.image.Preprocessing;
import jvit.vit.image.Preprocessor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Training and evaluation batches: layout, normalisation, augmentation, and that every batch can be made again alone. */
class BatchesTest {
    static final Preprocessing HF = Preprocessing.huggingFace(28, 1);
    static final int PIXELS = 28 * 28;

    /** {@code count} synthetic images, as the IDX files of the tests hold them. */
    static Dataset synthetic(int count) {
        byte[] pixels = new byte[count * PIXELS], labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) IdxFiles.label(i);
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++) pixels[i * PIXELS + y * 28 + x] = (byte) IdxFiles.pixel(i, y, x);
        }
        return new Dataset(28, 28, pixels, labels);
    }

    @Test
    void evaluationBatchesAreTheImagesInOrderNormalised() {
        Dataset data = synthetic(10);
        var batches = new EvaluationBatches(data, new Preprocessing(28, 1, Preprocessing.Interpolation.BILINEAR, new float[] {0.25f}, new float[] {2f}), 4);
        assertEquals(3, batches.count());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment images = arena.allocate(ValueLayout.JAVA_FLOAT, 4 * PIXELS), labels = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
            assertEquals(4, batches.fill(1, images, labels));
            for (int slot = 0; slot < 4; slot++) {
                int i = 4 + slot;
                assertEquals(IdxFiles.label(i), labels.getAtIndex(ValueLayout.JAVA_FLOAT, slot));
                assertEquals((IdxFiles.pixel(i, 5, 9) / 255f - 0.25f) / 2f, images.getAtIndex(ValueLayout.JAVA_FLOAT, slot * PIXELS + 5 * 28 + 9));
            }
            assertEquals(2, batches.fill(2, images, labels), "the last batch is partial");
            assertEquals(IdxFiles.label(9), labels.getAtIndex(ValueLayout.JAVA_FLOAT, 1));
            assertThrows(IllegalArgumentException.class, () -> batches.fill(0, images.asSlice(0, 4L * PIXELS), labels));
        }
    }

    @Test
    void eachEpochVisitsEveryImageInItsOwnOrder() {
        var batches = new TrainingBatches(synthetic(50), HF, 8, Augmentation.NONE, 7);
        assertEquals(6, batches.perEpoch());
        int[] first = batches.epochOrder(0), second = batches.epochOrder(1);
        assertArrayEquals(IntStream.range(0, 50).toArray(), IntStream.of(first).sorted().toArray());
        assertFalse(Arrays.equals(first, second));
        assertArrayEquals(first, new TrainingBatches(synthetic(50), HF, 8, Augmentation.NONE, 7).epochOrder(0));
        assertFalse(Arrays.equals(first, new TrainingBatches(synthetic(50), HF, 8, Augmentation.NONE, 8).epochOrder(0)));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment images = arena.allocate(ValueLayout.JAVA_FLOAT, 8 * PIXELS), labels = arena.allocate(ValueLayout.JAVA_FLOAT, 8);
            batches.fill(1, 2, images, labels);
            for (int slot = 0; slot < 8; slot++)
                assertEquals(IdxFiles.label(second[16 + slot]), labels.getAtIndex(ValueLayout.JAVA_FLOAT, slot));
            assertThrows(IndexOutOfBoundsException.class, () -> batches.fill(0, 6, images, labels));
        }
    }

    @Test
    void aBatchIsTheSameWhenMadeAloneAsInSequence() {
        var augmented = new Augmentation(4, true);
        float[] inSequence = null;
        var sequential = new TrainingBatches(synthetic(40), HF, 5, augmented, 11);
        for (int epoch = 0; epoch < 3; epoch++)
            for (int b = 0; b < sequential.perEpoch(); b++) {
                float[] batch = fill(sequential, epoch, b);
                if (epoch == 2 && b == 3) inSequence = batch;
            }
        float[] alone = fill(new TrainingBatches(synthetic(40), HF, 5, augmented, 11), 2, 3);
        assertArrayEquals(inSequence, alone);
        assertFalse(Arrays.equals(alone, fill(new TrainingBatches(synthetic(40), HF, 5, augmented, 11), 3, 3)));
    }

    @Test
    void augmentationShiftsWithBlackPaddingAndMirrors() {
        Dataset one = synthetic(1);
        float black = -1f; // (0 / 255 - 0.5) / 0.5
        Set<String> seen = new HashSet<>();
        var batches = new TrainingBatches(one, HF, 1, new Augmentation(3, true), 5);
        for (int epoch = 0; epoch < 200; epoch++) {
            float[] image = fill(batches, epoch, 0);
            Augmentation.Placement p = findPlacement(one, image, black);
            assertNotNull(p, "epoch " + epoch + ": not a shifted, maybe mirrored copy of the image");
            assertTrue(Math.abs(p.dx()) <= 3 && Math.abs(p.dy()) <= 3, p.toString());
            seen.add(p.toString());
        }
        assertTrue(seen.stream().anyMatch(s -> s.contains("mirrored=true")) && seen.stream().anyMatch(s -> s.contains("mirrored=false")));
        assertTrue(seen.size() > 50, "offsets vary: " + seen.size() + " of 98 placements seen");
    }

    @Test
    void noAugmentationKeepsTheImageAsItIs() {
        float[] image = fill(new TrainingBatches(synthetic(1), HF, 1, Augmentation.NONE, 5), 0, 0);
        assertEquals(Augmentation.Placement.AS_IS, findPlacement(synthetic(1), image, -1f));
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(-1, false));
    }

    @Test
    void theModelMustTakeTheDatasetsImages() {
        assertThrows(IllegalArgumentException.class, () -> new EvaluationBatches(synthetic(1), Preprocessing.huggingFace(32, 1), 1));
        assertThrows(IllegalArgumentException.class, () -> new EvaluationBatches(synthetic(1), Preprocessing.huggingFace(28, 3), 1));
        assertThrows(IllegalArgumentException.class, () -> new TrainingBatches(synthetic(3), HF, 4, Augmentation.NONE, 1));
    }

    /** A batch's images are normalised as a PNG of the same image is by {@link Preprocessor}: the same floats. */
    @Test
    void theSameFloatsAsTheSampleImageFile() {
        Path png = FashionMnistTest.SAMPLES.resolve("0000-ankle_boot.png");
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIRECTORY), "Fashion-MNIST is not installed");
        Dataset test = FashionMnist.load(FashionMnist.DEFAULT_DIRECTORY, FashionMnist.Split.TEST).subset(new int[] {0});
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fromFile = arena.allocate(ValueLayout.JAVA_FLOAT, PIXELS), fromData = arena.allocate(ValueLayout.JAVA_FLOAT, PIXELS);
            Preprocessor.apply(png, HF, fromFile, 0);
            new EvaluationBatches(test, HF, 1).fill(0, fromData, arena.allocate(ValueLayout.JAVA_FLOAT, 1));
            assertArrayEquals(fromFile.toArray(ValueLayout.JAVA_FLOAT), fromData.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    private static float[] fill(TrainingBatches batches, int epoch, int batch) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment images = arena.allocate(ValueLayout.JAVA_FLOAT, (long) batches.batchSize() * PIXELS);
            batches.fill(epoch, batch, images, arena.allocate(ValueLayout.JAVA_FLOAT, batches.batchSize()));
            return images.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /** The placement of image 0 of {@code data} that gives {@code image} (HF-normalised), or null if none does. */
    private static Augmentation.Placement findPlacement(Dataset data, float[] image, float black) {
        for (boolean mirrored : new boolean[] {false, true})
            for (int dy = -3; dy <= 3; dy++)
                for (int dx = -3; dx <= 3; dx++) {
                    var p = new Augmentation.Placement(dx, dy, mirrored);
                    if (matches(data, image, p, black)) return p;
                }
        return null;
    }

    private static boolean matches(Dataset data, float[] image, Augmentation.Placement p, float black) {
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++) {
                int sy = y + p.dy(), sx = (p.mirrored() ? 27 - x : x) + p.dx();
                float expected = sy < 0 || sy > 27 || sx < 0 || sx > 27 ? black : (data.pixel(0, sy, sx) / 255f - 0.5f) / 0.5f;
                if (image[y * 28 + x] != expected) return false;
            }
        return true;
    }
}
