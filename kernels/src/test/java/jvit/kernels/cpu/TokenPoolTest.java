package jvit.kernels.cpu;

import static jvit.kernels.Tensors.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import jvit.kernels.FiniteDifferences;
import jvit.kernels.Op.Pooling;
import jvit.kernels.Reference64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Pooling over tokens and the latent query's attention, forward against float64 references and backward against their finite differences. */
class TokenPoolTest {
    @ParameterizedTest(name = "batch={0} tokens={1} hidden={2} prefix={3} {4}")
    @CsvSource({"1, 1, 1, 0, AVG", "1, 2, 1, 1, MAX", "2, 17, 5, 1, AVGMAX", "3, 5, 33, 1, CLASS_AND_AVG", "2, 11, 7, 3, AVG",
            "1, 50, 17, 5, MAX", "2, 9, 3, 1, AVGMAX", "1, 2, 19, 1, CLASS_AND_AVG"})
    void matchesFloat64ReferenceAndFiniteDifferences(int batch, int tokens, int hidden, int prefix, Pooling pooling) {
        Random random = random();
        double[] x = distinct(random, batch * tokens * hidden), dy = roundToFloat(uniform(random, batch * pooling.width(hidden), 1));
        double[] expected = FiniteDifferences.gradient(t -> Reference64.tokenPool(t, batch, tokens, hidden, prefix, pooling), x.clone(), dy);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = poisoned(arena, dy.length), dx = poisoned(arena, x.length);
            TokenPool.forward(out, segment(arena, x), batch, tokens, hidden, prefix, pooling);
            assertClose("token pool " + pooling + " " + random, Reference64.tokenPool(x, batch, tokens, hidden, prefix, pooling), out,
                    1e-6, 1e-7);
            TokenPool.backward(dx, segment(arena, dy), segment(arena, x), batch, tokens, hidden, prefix, pooling);
            assertClose("token pool backward " + pooling + " " + random, expected, dx, 1e-4, 1e-6);
        }
    }

    /** timm's AttentionPoolLatent's attention: forward vs float64, gradients vs finite differences (dq per image, summed here). */
    @ParameterizedTest(name = "batch={0} tokens={1} from={2} heads={3} d={4}")
    @CsvSource({"1, 1, 0, 1, 1", "2, 5, 1, 3, 4", "1, 17, 1, 2, 7", "3, 9, 5, 1, 3"})
    void latentAttention(int batch, int tokens, int from, int heads, int d) {
        Random random = random();
        int width = heads * d;
        double[] q = roundToFloat(uniform(random, width, 1.5)), kv = roundToFloat(uniform(random, 2 * batch * tokens * width, 1.5));
        double[] dout = roundToFloat(uniform(random, batch * width, 1));
        double[] dqExpected = FiniteDifferences.gradient(t -> Reference64.latentAttention(t, kv, batch, tokens, from, heads, d), q.clone(), dout);
        double[] dkvExpected = FiniteDifferences.gradient(t -> Reference64.latentAttention(q, t, batch, tokens, from, heads, d), kv.clone(), dout);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = poisoned(arena, batch * width), dq = poisoned(arena, batch * width), dkv = poisoned(arena, kv.length);
            LatentAttention.forward(out, segment(arena, q), segment(arena, kv), batch, tokens, from, heads, d);
            assertClose("latent attention " + random, Reference64.latentAttention(q, kv, batch, tokens, from, heads, d), out, 1e-5, 1e-6);
            LatentAttention.backward(dq, dkv, segment(arena, dout), segment(arena, q), segment(arena, kv), batch, tokens, from, heads, d);
            double[] perImage = toDoubles(dq, batch * width), summed = new double[width];
            for (int i = 0; i < perImage.length; i++) summed[i % width] += perImage[i];
            assertClose("latent attention dq " + random, dqExpected, summed, 1e-3, 1e-5);
            assertClose("latent attention dkv " + random, dkvExpected, dkv, 1e-3, 1e-5);
        }
    }

    /** Equal maxima share the maximum's gradient, as PyTorch's amax does. */
    @ParameterizedTest
    @EnumSource(value = Pooling.class, names = {"MAX", "AVGMAX"})
    void tiesShareTheGradient(Pooling pooling) {
        int tokens = 5, prefix = 1;
        double[] x = {9, 2, 2, -1, 2}, dy = {3};
        double share = pooling == Pooling.MAX ? 1 : 0.5, mean = pooling == Pooling.MAX ? 0 : 0.5 * 3 / 4.0;
        double[] expected = {0, 3 * share / 3 + mean, 3 * share / 3 + mean, mean, 3 * share / 3 + mean};
        try (Arena arena = Arena.ofShared()) {
            MemorySegment dx = poisoned(arena, tokens);
            TokenPool.backward(dx, segment(arena, dy), segment(arena, x), 1, tokens, 1, prefix, pooling);
            assertClose("ties " + pooling + " " + Arrays.toString(x), expected, dx, 1e-7, 0);
        }
    }
}
