package jvit.vit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DatasetTest {
    /** {@code count} 2×3 images whose pixels all hold their index, labelled with their index too. */
    static Dataset numbered(int count) {
        byte[] pixels = new byte[count * 6], labels = new byte[count];
        for (int i = 0; i < count; i++) {
            Arrays.fill(pixels, i * 6, i * 6 + 6, (byte) i);
            labels[i] = (byte) i;
        }
        return new Dataset(2, 3, pixels, labels);
    }

    @Test
    void aSubsetTakesTheImagesInTheOrderGiven() {
        Dataset s = numbered(10).subset(new int[] {7, 2, 7});
        assertEquals(3, s.count());
        assertEquals(7, s.label(0));
        assertEquals(2, s.label(1));
        assertEquals(2, s.pixel(1, 1, 2));
        assertArrayEquals(new byte[] {7, 7, 7, 7, 7, 7}, s.image(2).samples());
    }

    @Test
    void theSplitIsAPartitionThatDependsOnTheSeedOnly() {
        Dataset all = numbered(100);
        Dataset.TrainValidation a = all.split(20, 42), b = all.split(20, 42), c = all.split(20, 43);
        assertEquals(80, a.train().count());
        assertEquals(20, a.validation().count());
        int[] validation = labels(a.validation());
        assertArrayEquals(validation, labels(b.validation()));
        assertFalse(Arrays.equals(validation, labels(c.validation())));
        int[] both = IntStream.concat(IntStream.of(labels(a.train())), IntStream.of(validation)).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 100).toArray(), both);
        assertTrue(IntStream.of(validation).sorted().boxed().toList().equals(IntStream.of(validation).boxed().toList()), "in dataset order");
        assertEquals(0, all.split(0, 1).validation().count());
        assertThrows(IllegalArgumentException.class, () -> all.split(101, 1));
    }

    @Test
    void theArraysMustAgree() {
        assertThrows(IllegalArgumentException.class, () -> new Dataset(2, 3, new byte[11], new byte[2]));
    }

    private static int[] labels(Dataset d) {
        return IntStream.range(0, d.count()).map(d::label).toArray();
    }
}
