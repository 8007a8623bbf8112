package jvit.kernels.cpu;

import static jvit.kernels.Tensors.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import jvit.kernels.Op.Activation;
import jvit.kernels.Reference64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatmulTest {
    @ParameterizedTest(name = "batch={0} m={1} n={2} k={3} transposedB={4} bias={5} gelu={6}")
    @CsvSource({
            "1, 1, 1, 1, true, false, false",
            "1, 1, 1, 1, false, true, true",
            "1, 3, 5, 7, true, true, false",
            "1, 3, 5, 7, false, false, false",
            "2, 17, 31, 13, true, true, true",
            "3, 13, 1, 29, false, true, false",
            "1, 67, 129, 97, true, false, false",
            "1, 67, 129, 97, false, true, true",
            "2, 101, 53, 211, false, false, false",
            "1, 197, 257, 191, true, true, true",
            "1, 1, 769, 67, true, true, false",
            "1, 389, 17, 1, false, false, false",
    })
    void matchesFloat64Reference(int batch, int m, int n, int k, boolean transposedB, boolean bias, boolean gelu) {
        Random random = random();
        double[] a = roundToFloat(uniform(random, batch * m * k, 1));
        double[] b = roundToFloat(uniform(random, batch * n * k, 1));
        double[] c = bias ? roundToFloat(uniform(random, n, 1)) : null;
        double[] expected = Reference64.matmul(a, b, c, batch, m, n, k, transposedB, gelu);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = poisoned(arena, (long) batch * m * n);
            Matmul.forward(out, segment(arena, a), segment(arena, b), bias ? segment(arena, c) : null,
                    batch, m, n, k, transposedB, gelu ? Activation.GELU : Activation.NONE);
            assertClose("matmul " + random, expected, out, 1e-5, 1e-6 * (k + 1));
        }
    }
}
