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

    @ParameterizedTest(name = "batch={0} patches={1} hidden={2}")
    @CsvSource({"1, 1, 1", "2, 4, 3", "3, 49, 17", "2, 196, 67"})
    void embedTokensAndClassToken(int batch, int patches, int hidden) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, batch * patches * hidden, 1));
        double[] cls = roundToFloat(uniform(random, hidden, 1));
        double[] pos = roundToFloat(uniform(random, (patches + 1) * hidden, 1));
        double[] expected = Reference64.embedTokens(x, cls, pos, batch, patches, hidden);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment tokens = poisoned(arena, expected.length);
            EmbedTokens.forward(tokens, segment(arena, x), segment(arena, cls), segment(arena, pos), batch, patches, hidden);
            assertClose("embed tokens " + random, expected, tokens, 1e-7, 0);

            MemorySegment first = poisoned(arena, (long) batch * hidden);
            ClassToken.forward(first, tokens, batch, patches + 1, hidden);
            assertClose("class token " + random, Reference64.classToken(expected, batch, patches + 1, hidden), first, 1e-7, 0);
        }
    }
}
