package jvit.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Benchmark inputs: off-heap float32 tensors of reproducible values. */
final class Inputs {
    private Inputs() {}

    /** {@code n} floats uniform in [-1, 1), from {@code seed}. */
    static MemorySegment random(Arena arena, long n, long seed) {
        Random random = new Random(seed);
        MemorySegment s = arena.allocate(4 * n, 64);
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, random.nextFloat() * 2 - 1);
        return s;
    }

    /** {@code n} copies of {@code value}. */
    static MemorySegment filled(Arena arena, long n, float value) {
        MemorySegment s = arena.allocate(4 * n, 64);
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, value);
        return s;
    }
}
