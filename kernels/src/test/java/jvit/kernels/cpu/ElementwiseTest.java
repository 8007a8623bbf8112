package jvit.kernels.cpu;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import jvit.kernels.Op.Activation;
import jvit.kernels.Reference64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** GELU, residual addition and LayerScale. */
class ElementwiseTest {
    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 2, 15, 17, 4099, 100_003})
    void geluMatchesFloat64Reference(int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 6));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = poisoned(arena, n);
            Gelu.forward(out, segment(arena, x), n);
            assertClose("gelu " + random, Reference64.gelu(x), out, 1e-5, 1e-6);
            // In place, as the model uses it.
            MemorySegment inPlace = segment(arena, x);
            Gelu.forward(inPlace, inPlace, n);
            assertClose("gelu in place " + random, Reference64.gelu(x), inPlace, 1e-5, 1e-6);
        }
    }

    @ParameterizedTest(name = "{0} n={1}")
    @CsvSource({"GELU_TANH, 1", "GELU_TANH, 17", "GELU_TANH, 4099", "QUICK_GELU, 2", "QUICK_GELU, 15", "QUICK_GELU, 100003"})
    void geluFormsMatchFloat64Reference(Activation form, int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 12)); // past ±10, where tanh and σ saturate
        double[] expected = Reference64.activation(x, form);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = poisoned(arena, n);
            Gelu.forward(out, segment(arena, x), n, form);
            assertClose(form + " " + random, expected, out, 1e-5, 1e-6);
            MemorySegment inPlace = segment(arena, x);
            Gelu.forward(inPlace, inPlace, n, form);
            assertClose(form + " in place " + random, expected, inPlace, 1e-5, 1e-6);
        }
    }

    @ParameterizedTest(name = "rows={0} heads={1} headDim={2}")
    @CsvSource({"1, 1, 1", "7, 3, 5", "130, 2, 17"})
    void qkHeadsSplitAndMerge(int rows, int heads, int headDim) {
        Random random = random();
        int n = rows * heads * headDim;
        double[] qkv = roundToFloat(uniform(random, 3 * n, 2)), q = roundToFloat(uniform(random, n, 2)), k = roundToFloat(uniform(random, n, 2));
        double[][] split = Reference64.qkSplit(qkv, rows, heads, headDim);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment qOut = poisoned(arena, n), kOut = poisoned(arena, n), merged = poisoned(arena, 3L * n);
            QkHeads.split(qOut, kOut, segment(arena, qkv), rows, heads, headDim);
            assertClose("qk split q " + random, split[0], qOut, 0, 0);
            assertClose("qk split k " + random, split[1], kOut, 0, 0);
            QkHeads.merge(merged, segment(arena, qkv), segment(arena, q), segment(arena, k), rows, heads, headDim);
            assertClose("qk merge " + random, Reference64.qkMerge(qkv, q, k, rows, heads, headDim), merged, 0, 0);
        }
    }

    @Test
    void referenceErfIsAccurate() {
        // Values from Abramowitz & Stegun, table 7.1, and erf(∞) = 1.
        assertEquals(0.5204998778130465, Reference64.erf(0.5), 1e-15);
        assertEquals(0.9953222650189527, Reference64.erf(2.0), 1e-15);
        assertEquals(-0.9999779095030014, Reference64.erf(-3.0), 1e-15);
        assertEquals(0.9999999845827421, Reference64.erf(4.0), 1e-15);
        assertEquals(1.0, Reference64.erf(40.0), 0);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 3, 16, 8191, 8193, 65_537})
    void addMatchesFloat64Reference(int n) {
        Random random = random();
        double[] a = roundToFloat(uniform(random, n, 10)), b = roundToFloat(uniform(random, n, 10));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = poisoned(arena, n);
            Add.forward(out, segment(arena, a), segment(arena, b), n);
            assertClose("add " + random, Reference64.add(a, b), out, 1e-7, 0);
        }
    }

    @ParameterizedTest(name = "rows={0} dim={1}")
    @org.junit.jupiter.params.provider.CsvSource({"1, 1", "3, 17", "67, 16", "130, 33", "5, 1031"})
    void layerScaleMatchesFloat64Reference(int rows, int dim) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, rows * dim, 3)), gamma = roundToFloat(uniform(random, dim, 1));
        double[] dy = roundToFloat(uniform(random, rows * dim, 1));
        double[] scaled = new double[rows * dim], dgamma = new double[dim];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < dim; c++) {
                scaled[r * dim + c] = x[r * dim + c] * gamma[c];
                dgamma[c] += dy[r * dim + c] * x[r * dim + c];
            }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = poisoned(arena, (long) rows * dim), inPlace = segment(arena, x), dg = poisoned(arena, dim);
            LayerScale.forward(out, segment(arena, x), segment(arena, gamma), rows, dim);
            assertClose("layer scale " + random, scaled, out, 1e-7, 0);
            LayerScale.forward(inPlace, inPlace, segment(arena, gamma), rows, dim);
            assertClose("layer scale in place " + random, scaled, inPlace, 1e-7, 0);
            LayerScale.backward(dg, segment(arena, dy), segment(arena, x), rows, dim);
            assertClose("layer scale backward " + random, dgamma, dg, 1e-5, 1e-6 * rows);
        }
    }
}
