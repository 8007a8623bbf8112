package jvit.kernels.cpu;

import static jvit.kernels.Tensors.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import jvit.kernels.Reference64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SoftmaxTest {
    @ParameterizedTest(name = "rows={0} dim={1}")
    @CsvSource({"1, 1", "1, 2", "5, 17", "3, 197", "11, 1000", "2, 1031"})
    void matchesFloat64Reference(int rows, int dim) {
        Random random = random();
        // Large logits: exp overflows float32 unless the row maximum is subtracted first.
        double[] x = roundToFloat(uniform(random, rows * dim, 120));
        double[] expected = Reference64.softmax(x, rows, dim);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = poisoned(arena, (long) rows * dim);
            Softmax.forward(out, segment(arena, x), rows, dim);
            assertClose("softmax " + random, expected, out, 1e-5, 1e-7);
        }
    }
}
