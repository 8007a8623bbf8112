package jvit.kernels.cpu;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {
    @Test
    void matchesSorting() {
        Random random = random();
        for (int dim : new int[] {1, 2, 7, 1000}) {
            double[] x = roundToFloat(uniform(random, 3 * dim, 5));
            try (Arena arena = Arena.ofShared()) {
                var seg = segment(arena, x);
                for (int row = 0; row < 3; row++) {
                    int base = row * dim;
                    int[] sorted = IntStream.range(0, dim).boxed()
                            .sorted(Comparator.comparingDouble((Integer i) -> -x[base + i]).thenComparingInt(i -> i))
                            .mapToInt(Integer::intValue).toArray();
                    for (int k : new int[] {1, Math.min(5, dim), dim})
                        assertArrayEquals(Arrays.copyOf(sorted, k), TopK.indices(seg, row, dim, k), "k=" + k + " " + random);
                    assertEquals(sorted[0], TopK.argmax(seg, row, dim));
                }
            }
        }
    }

    @Test
    void tiesGoToTheLowerIndexAndNaNRanksLast() {
        try (Arena arena = Arena.ofShared()) {
            var seg = segment(arena, new double[] {Double.NaN, 2, 5, 5, -1});
            assertArrayEquals(new int[] {2, 3, 1, 4, 0}, TopK.indices(seg, 0, 5, 5));
            assertThrows(IllegalArgumentException.class, () -> TopK.indices(seg, 0, 5, 6));
        }
    }
}
