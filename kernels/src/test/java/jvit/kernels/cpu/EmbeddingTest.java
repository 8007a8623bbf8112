package jvit.kernels.cpu;

import static jvit.kernels.Tensors.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import jvit.kernels.Reference64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Patch embedding, token assembly and class-token selection. */
class EmbeddingTest {
    @ParameterizedTest(name = "batch={0} channels={1} {2}x{3} patch={4} hidden={5}")
    @CsvSource({"1, 1, 1, 1, 1, 1", "2, 3, 6, 9, 3, 5", "1, 1, 28, 28, 7, 17", "3, 3, 32, 16, 16, 19", "1, 2, 35, 21, 7, 67"})
    void patchEmbedMatchesDirectConvolution(int batch, int channels, int height, int width, int patch, int hidden) {
        Random random = random();
        double[] image = roundToFloat(uniform(random, batch * channels * height * width, 1));
        double[] weight = roundToFloat(uniform(random, hidden * channels * patch * patch, 1));
        double[] bias = roundToFloat(uniform(random, hidden, 1));
        double[] expected = Reference64.patchEmbed(image, weight, bias, batch, channels, height, width, patch, hidden);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = poisoned(arena, expected.length);
            PatchEmbed.forward(out, segment(arena, image), segment(arena, weight), segment(arena, bias),
                    batch, channels, height, width, patch, hidden);
            assertClose("patch embed " + random, expected, out, 1e-5, 1e-6 * channels * patch * patch);
        }
    }

    /**
     * Prefixes: the class token alone, DeiT's class and distillation tokens, a class token and registers without positions,
     * none (no class token: no pre tensor).
     */
    @ParameterizedTest(name = "batch={0} prefix={1} patches={2} hidden={3} prefixPositions={4}")
    @CsvSource({"1, 1, 1, 1, true", "2, 1, 4, 3, true", "3, 2, 49, 17, true", "2, 1, 196, 67, true", "2, 5, 7, 13, false",
            "1, 3, 1, 5, false", "2, 0, 7, 13, true", "1, 0, 1, 5, false"})
    void embedTokensAndClassToken(int batch, int prefix, int patches, int hidden, boolean prefixPositions) {
        Random random = random();
        int tokens = prefix + patches, from = prefixPositions ? 0 : prefix;
        double[] x = roundToFloat(uniform(random, batch * patches * hidden, 1));
        double[] pre = roundToFloat(uniform(random, prefix * hidden, 1));
        double[] pos = roundToFloat(uniform(random, (tokens - from) * hidden, 1));
        double[] expected = Reference64.embedTokens(x, pre, pos, batch, prefix, patches, hidden, from);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = poisoned(arena, expected.length);
            EmbedTokens.forward(out, segment(arena, x), prefix > 0 ? segment(arena, pre) : null, segment(arena, pos), batch, prefix,
                    patches, hidden, from);
            assertClose("embed tokens " + random, expected, out, 1e-7, 0);

            for (int token : prefix > 0 ? new int[] {0, prefix - 1} : new int[0]) {
                MemorySegment picked = poisoned(arena, (long) batch * hidden);
                ClassToken.forward(picked, out, batch, tokens, hidden, token);
                assertClose("token " + token + " " + random, Reference64.classToken(expected, batch, tokens, hidden, token), picked, 1e-7, 0);
            }
        }
    }
}
