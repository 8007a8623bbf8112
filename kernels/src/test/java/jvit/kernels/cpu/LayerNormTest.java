package jvit.kernels.cpu;

import static jvit.kernels.Tensors.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import jvit.kernels.Reference64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LayerNormTest {
    @ParameterizedTest(name = "rows={0} dim={1} eps={2}")
    @CsvSource({"1, 1, 1e-6", "1, 2, 1e-12", "3, 17, 1e-6", "7, 31, 1e-12", "197, 192, 1e-12", "13, 769, 1e-6", "2, 1031, 1e-5"})
    void matchesFloat64Reference(int rows, int dim, float eps) {
        Random random = random();
        // An offset much larger than the spread: the case where E[x²]-E[x]² would lose every digit.
        double[] x = uniform(random, rows * dim, 1);
        for (int i = 0; i < x.length; i++) x[i] = (float) (x[i] + 300);
        double[] gamma = roundToFloat(uniform(random, dim, 2)), beta = roundToFloat(uniform(random, dim, 1));
        double[] expected = Reference64.layerNorm(x, gamma, beta, rows, dim, eps);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = poisoned(arena, (long) rows * dim);
            LayerNorm.forward(out, segment(arena, x), segment(arena, gamma), segment(arena, beta), rows, dim, eps);
            // dim = 1: the output is beta exactly (the deviation is 0).
            assertClose("layernorm " + random, expected, out, 1e-3, 1e-3);
        }
    }

    /**
     * A large common offset against a small spread costs no digits, forward and backward: the
     * tolerances are ten times tighter than above, and a kernel that subtracts a float-rounded mean
     * misses them hundreds of times over (bin/test once failed so by chance at offset 300).
     */
    @ParameterizedTest(name = "rows={0} dim={1}")
    @CsvSource({"9, 1", "9, 2", "9, 3", "18, 17", "9, 64", "27, 193"})
    void aLargeCommonOffsetCostsNoDigits(int rows, int dim) {
        Random random = random();
        float eps = 1e-12f;
        double[] x = offsetRows(random, rows, dim);
        double[] gamma = roundToFloat(uniform(random, dim, 2)), beta = roundToFloat(uniform(random, dim, 1));
        double[] dy = roundToFloat(uniform(random, rows * dim, 1));
        double[][] expected = Reference64.layerNormBackward(dy, x, gamma, rows, dim, eps);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = poisoned(arena, (long) rows * dim);
            LayerNorm.forward(out, segment(arena, x), segment(arena, gamma), segment(arena, beta), rows, dim, eps);
            assertClose("layernorm " + random, Reference64.layerNorm(x, gamma, beta, rows, dim, eps), out, 1e-4, 1e-4);
            MemorySegment dx = poisoned(arena, (long) rows * dim), dgamma = poisoned(arena, dim), dbeta = poisoned(arena, dim);
            LayerNorm.backward(dx, dgamma, dbeta, segment(arena, dy), segment(arena, x), segment(arena, gamma), rows, dim, eps);
            // dx is a difference of terms of size rstd·|dy·gamma| (rstd up to ~170 here); it may cancel to ~0.
            assertClose("layernorm dx " + random, expected[0], dx, 1e-4, 1e-5 * Reference64.layerNormTermScale(x, dy, gamma, rows, dim));
            assertClose("layernorm dgamma " + random, expected[1], dgamma, 1e-4, 1e-4 * Math.sqrt(rows));
            assertClose("layernorm dbeta " + random, expected[2], dbeta, 1e-4, 1e-4 * Math.sqrt(rows));
        }
    }
}
