package jvit.vit.model;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PositionEmbeddingTest {
    @Test
    void theSameGridIsACopy() {
        Random random = random();
        int grid = 5, hidden = 3;
        double[] pos = roundToFloat(uniform(random, (1 + grid * grid) * hidden, 1));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = poisoned(arena, pos.length);
            PositionEmbedding.resample(segment(arena, pos), grid, out, grid, hidden);
            assertClose("identity " + random, pos, out, 1e-6, 1e-7);
        }
    }

    @Test
    void upsamplingARampMatchesPyTorchBicubic() {
        // F.interpolate([0, 1], size=4, mode="bicubic", align_corners=False) along x, by hand from
        // PyTorch's formula (A = -0.75, border indices clamped); constant along y.
        double[] row = {-0.10546875, 0.2265625, 0.7734375, 1.10546875};
        double[] expected = new double[1 + 16];
        expected[0] = 42; // the class token is kept as it is
        for (int y = 0; y < 4; y++) System.arraycopy(row, 0, expected, 1 + 4 * y, 4);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = poisoned(arena, expected.length);
            PositionEmbedding.resample(segment(arena, new double[] {42, 0, 1, 0, 1}), 2, out, 4, 1);
            assertClose("ramp", expected, out, 1e-7, 0);
        }
    }

    @Test
    void aConstantStaysConstantAtAnyScale() {
        try (Arena arena = Arena.ofConfined()) {
            for (int[] grids : new int[][] {{14, 24}, {24, 14}, {3, 7}, {7, 2}}) {
                int from = grids[0], to = grids[1];
                double[] pos = new double[1 + from * from];
                java.util.Arrays.fill(pos, 0.25);
                MemorySegment out = poisoned(arena, 1 + to * to);
                PositionEmbedding.resample(segment(arena, pos), from, out, to, 1);
                double[] expected = new double[1 + to * to];
                java.util.Arrays.fill(expected, 0.25);
                assertClose(from + "->" + to, expected, out, 1e-6, 0);
            }
        }
    }

    @Test
    void tapsSumToOne() {
        int[] index = new int[4];
        double[] weight = new double[4];
        PositionEmbedding.taps(3, 14, 24, index, weight);
        assertEquals(1, weight[0] + weight[1] + weight[2] + weight[3], 1e-12);
    }

    /** timm's antialiased taps: the identity at the same size, a normalised filter widened by the scale when shrinking. */
    @Test
    void antialiasedTapsAreNormalisedAndWidenWhenShrinking() {
        int[][] index = new int[8][];
        double[][] weight = new double[8][];
        for (int o = 0; o < 7; o++) {
            PositionEmbedding.antialiasedTaps(o, 7, 7, index, weight);
            for (int j = 0; j < index[o].length; j++) assertEquals(index[o][j] == o ? 1 : 0, weight[o][j], 1e-12, "7->7 at " + o);
        }
        for (int o = 0; o < 5; o++) {
            PositionEmbedding.antialiasedTaps(o, 14, 5, index, weight);
            assertEquals(1, java.util.Arrays.stream(weight[o]).sum(), 1e-12);
            if (o > 0 && o < 4) assertEquals(true, index[o].length >= 10, "an inner output at scale 2.8 reads ±5.6 pixels: " + index[o].length);
        }
    }
}
