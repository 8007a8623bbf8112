package jvit.kernels.cpu;

import static jvit.kernels.Tensors.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import jvit.kernels.Op.Activation;
import jvit.kernels.Reference64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Shapes around every edge of the tiling (with 16-float vectors: MR = 11 rows, NR = 32 columns,
 * 16×16 transposes, KC = 1024, MC = 176 rows, NC = 128 columns a task, fewer than 4 rows on the
 * small path, rows split between tasks when there are few columns), every layout, with and
 * without bias and GELU. kernels/pom.xml runs them again with 8-float vectors (MR = 6, NR = 16).
 */
class MatmulTest {
    @ParameterizedTest(name = "batch={0} m={1} n={2} k={3} transposedB={4} bias={5} gelu={6}")
    @CsvSource({
            "1, 1, 1, 1, true, false, false",
            "1, 1, 1, 1, false, true, true",
            "1, 3, 5, 7, true, true, false",
            "1, 3, 5, 7, false, false, false",
            "2, 2, 130, 33, false, true, true",
            "1, 3, 97, 47, true, false, true",
            "1, 1, 769, 67, true, true, false",
            "1, 1, 769, 67, false, true, true",
            "1, 4, 1, 1, true, false, false",
            "1, 4, 16, 16, true, false, false",
            "1, 7, 31, 15, true, true, false",
            "1, 7, 31, 15, false, false, true",
            "1, 8, 32, 16, true, false, false",
            "1, 8, 32, 16, false, true, false",
            "1, 9, 33, 17, true, true, true",
            "1, 9, 33, 17, false, false, false",
            "2, 17, 31, 13, true, true, true",
            "3, 13, 1, 29, false, true, false",
            "1, 389, 17, 1, false, false, false",
            "1, 131, 2, 3, true, true, false",
            "1, 67, 129, 97, true, false, false",
            "1, 67, 129, 97, false, true, true",
            "2, 101, 53, 211, false, false, false",
            "1, 197, 257, 191, true, true, true",
            "1, 11, 31, 15, true, true, true",
            "1, 12, 32, 16, false, true, false",
            "1, 13, 33, 17, true, false, false",
            "1, 25, 95, 47, false, false, true",
            "1, 24, 96, 48, true, true, false",
            "1, 15, 63, 1023, true, true, false",
            "1, 16, 64, 1024, false, false, true",
            "1, 17, 65, 1025, true, false, true",
            "1, 17, 65, 1025, false, true, false",
            "1, 23, 255, 2049, true, true, true",
            "1, 23, 257, 2049, false, false, false",
            "1, 191, 40, 1100, true, true, false",
            "1, 193, 33, 1030, false, false, true",
            "1, 389, 97, 64, true, true, false",
            "1, 11, 513, 5, true, true, false",
            "1, 41, 289, 800, false, true, false",
            "4, 37, 64, 37, false, false, false",
            "12, 29, 29, 64, true, false, false",
    })
    void matchesFloat64Reference(int batch, int m, int n, int k, boolean transposedB, boolean bias, boolean gelu) {
        check(batch, m, n, k, false, transposedB, bias, gelu, 0);
    }

    /** A read down its columns ({@code [k, m]}): the same tiling edges, and a linear layer's weight gradient. */
    @ParameterizedTest(name = "batch={0} m={1} n={2} k={3} transposedB={4} bias={5} gelu={6}")
    @CsvSource({
            "1, 1, 1, 1, false, false, false",
            "1, 3, 5, 7, true, true, false",
            "2, 2, 130, 33, false, true, true",
            "1, 4, 16, 16, true, false, false",
            "1, 13, 33, 17, false, false, false",
            "2, 17, 31, 13, true, true, true",
            "1, 67, 129, 97, false, false, false",
            "1, 193, 33, 1030, true, false, true",
            "1, 23, 257, 2049, false, true, false",
            "1, 96, 192, 6401, false, false, false",
    })
    void transposedAMatchesFloat64Reference(int batch, int m, int n, int k, boolean transposedB, boolean bias, boolean gelu) {
        check(batch, m, n, k, true, transposedB, bias, gelu, 0);
    }

    /** The other GELU forms in the epilogue: through the small-m path (m < SMALL_M) and the blocked one, both B layouts. */
    @ParameterizedTest(name = "{0} batch={1} m={2} n={3} k={4} transposedB={5}")
    @CsvSource({
            "GELU_TANH, 1, 1, 769, 67, true",
            "GELU_TANH, 2, 17, 31, 13, false",
            "GELU_TANH, 1, 197, 257, 191, true",
            "QUICK_GELU, 1, 3, 97, 47, false",
            "QUICK_GELU, 1, 67, 129, 97, true",
            "QUICK_GELU, 1, 193, 33, 1030, false",
    })
    void activationFormsMatchFloat64Reference(Activation form, int batch, int m, int n, int k, boolean transposedB) {
        check(batch, m, n, k, false, transposedB, true, form, 0);
    }

    /** Memory-mapped weights and slices of larger tensors need not be aligned to a float, let alone a vector. */
    @ParameterizedTest(name = "m={0} n={1} k={2} transposedA={3} transposedB={4} offset={5} bytes")
    @CsvSource({
            "2, 33, 35, false, true, 1",
            "2, 33, 35, true, false, 2",
            "19, 70, 33, false, true, 4",
            "19, 70, 33, false, false, 3",
            "19, 70, 33, true, true, 1",
    })
    void acceptsUnalignedSegments(int m, int n, int k, boolean transposedA, boolean transposedB, int offset) {
        check(1, m, n, k, transposedA, transposedB, true, false, offset);
    }

    /**
     * A read-only B (a mapped weight) is packed once and kept: the second product reads what was kept.
     * Its memory freed and allocated again with other values (malloc often hands back the same
     * address) is packed anew.
     */
    @ParameterizedTest(name = "m={0} n={1} k={2} transposedB={3}")
    @CsvSource({
            "4, 1, 1, true",
            "19, 70, 33, true",
            "19, 70, 33, false",
            "197, 257, 191, true",
            "13, 33, 1025, false",
            "23, 65, 2049, true",
    })
    void readOnlyWeightsArePackedOnceWhileTheirMemoryLives(int m, int n, int k, boolean transposedB) {
        Random random = random();
        for (int life = 0; life < 2; life++) {
            double[] a = roundToFloat(uniform(random, m * k, 1));
            double[] b = roundToFloat(uniform(random, n * k, 1));
            double[] expected = Reference64.matmul(a, b, null, 1, m, n, k, false, transposedB, false);
            try (Arena arena = Arena.ofShared()) {
                MemorySegment weights = segment(arena, b).asReadOnly(), x = segment(arena, a);
                for (int run = 0; run < 2; run++) {
                    MemorySegment out = poisoned(arena, (long) m * n);
                    Matmul.forward(out, x, weights, null, 1, m, n, k, false, transposedB, Activation.NONE);
                    assertClose("matmul, read-only B, life " + life + " run " + run + " " + random, expected, out, 1e-5, 1e-6 * (k + 1));
                }
            }
        }
    }

    /**
     * {@code C += op(A)·op(B) (+ bias)}: C starts from random values (an element not written keeps them and fails); fewer
     * rows than the packed path takes, k in several blocks, read-only (packed once) weights, and a larger C after a
     * smaller one (the scratch grows).
     */
    @ParameterizedTest(name = "batch={0} m={1} n={2} k={3} transposedB={4} bias={5} readOnlyB={6}")
    @CsvSource({
            "1, 1, 1, 1, true, true, false",
            "2, 3, 70, 33, false, true, false",
            "2, 19, 70, 33, true, false, false",
            "1, 197, 257, 191, true, true, true",
            "1, 23, 65, 4099, true, true, true",
            "3, 13, 33, 2049, false, true, false",
    })
    void accumulateAddsToC(int batch, int m, int n, int k, boolean transposedB, boolean bias, boolean readOnlyB) {
        Random random = random();
        double[] c = roundToFloat(uniform(random, batch * m * n, 1)), a = roundToFloat(uniform(random, batch * m * k, 1));
        double[] b = roundToFloat(uniform(random, batch * n * k, 1)), d = bias ? roundToFloat(uniform(random, n, 1)) : null;
        double[] expected = Reference64.add(c, Reference64.matmul(a, b, d, batch, m, n, k, false, transposedB, false));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = segment(arena, c), weights = readOnlyB ? segment(arena, b).asReadOnly() : segment(arena, b);
            Matmul.forwardAdding(out, segment(arena, a), weights, bias ? segment(arena, d) : null, batch, m, n, k, false, transposedB);
            assertClose("matmul adding to C " + random, expected, out, 1e-5, 1e-6 * (k + 2));
        }
    }

    private static void check(int batch, int m, int n, int k, boolean transposedA, boolean transposedB, boolean bias, boolean gelu,
                              int offset) {
        check(batch, m, n, k, transposedA, transposedB, bias, gelu ? Activation.GELU : Activation.NONE, offset);
    }

    private static void check(int batch, int m, int n, int k, boolean transposedA, boolean transposedB, boolean bias, Activation activation,
                              int offset) {
        Random random = random();
        double[] a = roundToFloat(uniform(random, batch * m * k, 1));
        double[] b = roundToFloat(uniform(random, batch * n * k, 1));
        double[] c = bias ? roundToFloat(uniform(random, n, 1)) : null;
        double[] expected = Reference64.matmul(a, b, c, batch, m, n, k, transposedA, transposedB, activation);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = shifted(arena, poisoned(arena, (long) batch * m * n + 1), offset);
            Matmul.forward(out, shifted(arena, segment(arena, a), offset), shifted(arena, segment(arena, b), offset),
                    bias ? shifted(arena, segment(arena, c), offset) : null,
                    batch, m, n, k, transposedA, transposedB, activation);
            MemorySegment aligned = arena.allocate(out.byteSize(), 64).copyFrom(out);
            assertClose("matmul " + activation + " " + random, expected, aligned, 1e-5, 1e-6 * (k + 1));
        }
    }

    /** {@code s} moved {@code offset} bytes along in a fresh segment, so that no access is aligned. */
    private static MemorySegment shifted(Arena arena, MemorySegment s, int offset) {
        if (offset == 0) return s;
        MemorySegment moved = arena.allocate(s.byteSize() + offset, 64).asSlice(offset, s.byteSize());
        moved.copyFrom(s);
        return moved;
    }
}
