package jvit.kernels.cpu;

import static jvit.kernels.Tensors.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import jvit.kernels.Reference64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Shapes around the matmul kernel's tiles too (with 16-float vectors MR = 11 query rows, NR = 32 keys or head columns). */
class AttentionTest {
    @ParameterizedTest(name = "batch={0} tokens={1} heads={2} headDim={3}")
    @CsvSource({"1, 1, 1, 1", "1, 2, 1, 3", "2, 17, 3, 5", "1, 50, 2, 64", "3, 197, 3, 17", "1, 65, 4, 33",
            "1, 12, 2, 32", "2, 13, 1, 65", "1, 33, 2, 96", "1, 197, 2, 64", "1, 11, 2, 32", "1, 23, 1, 17"})
    void matchesFloat64Reference(int batch, int tokens, int heads, int headDim) {
        Random random = random();
        double[] qkv = roundToFloat(uniform(random, 3 * batch * tokens * heads * headDim, 2));
        double[] expected = Reference64.attention(qkv, batch, tokens, heads, headDim);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = poisoned(arena, (long) batch * tokens * heads * headDim);
            Attention.forward(out, segment(arena, qkv), batch, tokens, heads, headDim);
            assertClose("attention " + random, expected, out, 1e-4, 1e-5);
        }
    }
}
