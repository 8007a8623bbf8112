package jvit.kernels.cpu;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import jvit.kernels.FiniteDifferences;
import jvit.kernels.Op.Activation;
import jvit.kernels.Reference64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every backward kernel against central finite differences of the float64 forward reference:
 * the upstream gradient is a random vector w, so the kernel's output must be ∂(Σ w·f)/∂θ.
 * Outputs are NaN-poisoned first; shapes are small and awkward.
 */
class BackwardTest {
    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 17, 4099})
    void gelu(int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 5)), dy = roundToFloat(uniform(random, n, 1));
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) { // elementwise: one derivative per element
            int at = i;
            expected[i] = dy[i] * FiniteDifferences.gradient(t -> new double[] {Reference64.gelu(t[0])}, new double[] {x[at]}, new double[] {1})[0];
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment dx = poisoned(arena, n);
            Gelu.backward(dx, segment(arena, dy), segment(arena, x), n);
            assertClose("gelu backward " + random, expected, dx, 1e-4, 1e-5);
        }
    }

    @ParameterizedTest(name = "{0} n={1}")
    @CsvSource({"GELU_TANH, 1", "GELU_TANH, 4099", "QUICK_GELU, 17", "QUICK_GELU, 4099"})
    void geluForms(Activation form, int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 12)), dy = roundToFloat(uniform(random, n, 1));
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
            int at = i;
            expected[i] = dy[i] * FiniteDifferences.gradient(t -> new double[] {Reference64.activation(t[0], form)}, new double[] {x[at]},
                    new double[] {1})[0];
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment dx = poisoned(arena, n);
            Gelu.backward(dx, segment(arena, dy), segment(arena, x), n, form);
            assertClose(form + " backward " + random, expected, dx, 1e-4, 1e-5);
        }
    }

    @ParameterizedTest(name = "rows={0} dim={1}")
    @CsvSource({"1, 1", "3, 2", "2, 17", "5, 67"})
    void layerNorm(int rows, int dim) {
        Random random = random();
        float eps = 1e-5f;
        double[] x = roundToFloat(uniform(random, rows * dim, 2)), gamma = roundToFloat(uniform(random, dim, 2));
        double[] beta = roundToFloat(uniform(random, dim, 1)), dy = roundToFloat(uniform(random, rows * dim, 1));
        double[] dxExpected = FiniteDifferences.gradient(t -> Reference64.layerNorm(t, gamma, beta, rows, dim, eps), x.clone(), dy);
        double[] dgExpected = FiniteDifferences.gradient(t -> Reference64.layerNorm(x, t, beta, rows, dim, eps), gamma.clone(), dy);
        double[] dbExpected = FiniteDifferences.gradient(t -> Reference64.layerNorm(x, gamma, t, rows, dim, eps), beta.clone(), dy);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment dx = poisoned(arena, rows * dim), dg = poisoned(arena, dim), db = poisoned(arena, dim);
            LayerNorm.backward(dx, dg, db, segment(arena, dy), segment(arena, x), segment(arena, gamma), rows, dim, eps);
            assertClose("layernorm dx " + random, dxExpected, dx, 1e-3, 1e-4);
            assertClose("layernorm dgamma " + random, dgExpected, dg, 1e-3, 1e-4);
            assertClose("layernorm dbeta " + random, dbExpected, db, 1e-3, 1e-4);
        }
    }

    @ParameterizedTest(name = "batch={0} tokens={1} heads={2} headDim={3}")
    @CsvSource({"1, 1, 1, 1", "2, 5, 3, 4", "1, 17, 2, 7", "1, 19, 1, 33"})
    void attention(int batch, int tokens, int heads, int headDim) {
        Random random = random();
        double[] qkv = roundToFloat(uniform(random, 3 * batch * tokens * heads * headDim, 1.5));
        double[] dout = roundToFloat(uniform(random, batch * tokens * heads * headDim, 1));
        double[] expected = FiniteDifferences.gradient(t -> Reference64.attention(t, batch, tokens, heads, headDim), qkv.clone(), dout);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment dqkv = poisoned(arena, qkv.length);
            Attention.backward(dqkv, segment(arena, dout), segment(arena, qkv), batch, tokens, heads, headDim);
            assertClose("attention backward " + random, expected, dqkv, 1e-3, 1e-4);
        }
    }

    @ParameterizedTest(name = "rows={0} classes={1} smoothing={2}")
    @CsvSource({"1, 1, 0", "3, 7, 0", "4, 10, 0.1", "2, 1000, 0.2"})
    void crossEntropy(int rows, int classes, float smoothing) {
        Random random = random();
        double[] logits = roundToFloat(uniform(random, rows * classes, 8));
        int[] labels = random.ints(rows, 0, classes).toArray();
        double[] mean = new double[rows];
        Arrays.fill(mean, 1.0 / rows); // the kernel's gradient is that of the mean loss
        double[] expected = FiniteDifferences.gradient(t -> Reference64.crossEntropy(t, labels, rows, classes, smoothing), logits.clone(), mean);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment losses = poisoned(arena, rows), dlogits = poisoned(arena, rows * classes);
            CrossEntropy.forward(losses, dlogits, segment(arena, logits), segment(arena, Arrays.stream(labels).asDoubleStream().toArray()),
                    rows, classes, smoothing);
            assertClose("cross-entropy loss " + random, Reference64.crossEntropy(logits, labels, rows, classes, smoothing), losses, 1e-5, 1e-6);
            assertClose("cross-entropy gradient " + random, expected, dlogits, 1e-4, 1e-6);
        }
    }

    @ParameterizedTest(name = "batch={0} channels={1} {2}x{3} patch={4} hidden={5}")
    @CsvSource({"1, 1, 1, 1, 1, 1", "2, 3, 6, 9, 3, 5", "3, 1, 14, 7, 7, 17"})
    void patchEmbed(int batch, int channels, int height, int width, int patch, int hidden) {
        Random random = random();
        double[] image = roundToFloat(uniform(random, batch * channels * height * width, 1));
        double[] weight = roundToFloat(uniform(random, hidden * channels * patch * patch, 1));
        double[] bias = roundToFloat(uniform(random, hidden, 1));
        int patches = (height / patch) * (width / patch);
        double[] dout = roundToFloat(uniform(random, batch * patches * hidden, 1));
        double[] dwExpected = FiniteDifferences.gradient(
                t -> Reference64.patchEmbed(image, t, bias, batch, channels, height, width, patch, hidden), weight.clone(), dout);
        double[] dbExpected = FiniteDifferences.gradient(
                t -> Reference64.patchEmbed(image, weight, t, batch, channels, height, width, patch, hidden), bias.clone(), dout);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment dw = poisoned(arena, weight.length), db = poisoned(arena, hidden);
            PatchEmbed.backward(dw, db, segment(arena, dout), segment(arena, image), batch, channels, height, width, patch, hidden);
            assertClose("patch embed dweight " + random, dwExpected, dw, 1e-4, 1e-5);
            assertClose("patch embed dbias " + random, dbExpected, db, 1e-4, 1e-5);
        }
    }

    @ParameterizedTest(name = "batch={0} prefix={1} patches={2} hidden={3} prefixPositions={4}")
    @CsvSource({"1, 1, 1, 1, true", "3, 1, 4, 5, true", "2, 2, 49, 17, true", "2, 5, 7, 3, false", "1, 3, 1, 4, false",
            "3, 0, 5, 3, true", "1, 0, 1, 4, false"})
    void embedTokensAndClassToken(int batch, int prefix, int patches, int hidden, boolean prefixPositions) {
        Random random = random();
        int tokens = prefix + patches, from = prefixPositions ? 0 : prefix;
        double[] x = roundToFloat(uniform(random, batch * patches * hidden, 1)), pre = roundToFloat(uniform(random, prefix * hidden, 1));
        double[] pos = roundToFloat(uniform(random, (tokens - from) * hidden, 1)), dx = roundToFloat(uniform(random, batch * tokens * hidden, 1));
        double[] dcls = roundToFloat(uniform(random, batch * hidden, 1));
        try (Arena arena = Arena.ofShared()) {
            // Without prefix tokens there is no dpre.
            MemorySegment dp = poisoned(arena, x.length), dpre = prefix > 0 ? poisoned(arena, pre.length) : null;
            MemorySegment dpos = poisoned(arena, pos.length);
            EmbedTokens.backward(dp, dpre, dpos, segment(arena, dx), batch, prefix, patches, hidden, from);
            assertClose("embed tokens dpatches " + random, FiniteDifferences.gradient(
                    t -> Reference64.embedTokens(t, pre, pos, batch, prefix, patches, hidden, from), x.clone(), dx), dp, 1e-5, 1e-6);
            if (prefix > 0) assertClose("embed tokens dprefix " + random, FiniteDifferences.gradient(
                    t -> Reference64.embedTokens(x, t, pos, batch, prefix, patches, hidden, from), pre.clone(), dx), dpre, 1e-5, 1e-6);
            assertClose("embed tokens dpos " + random, FiniteDifferences.gradient(
                    t -> Reference64.embedTokens(x, pre, t, batch, prefix, patches, hidden, from), pos.clone(), dx), dpos, 1e-5, 1e-6);

            double[] full = roundToFloat(uniform(random, batch * tokens * hidden, 1));
            for (int token : prefix > 0 ? new int[] {0, prefix - 1} : new int[0]) {
                MemorySegment dfull = poisoned(arena, full.length);
                ClassToken.backward(dfull, segment(arena, dcls), batch, tokens, hidden, token);
                assertClose("token " + token + " backward " + random, FiniteDifferences.gradient(
                        t -> Reference64.classToken(t, batch, tokens, hidden, token), full.clone(), dcls), dfull, 1e-5, 1e-6);
            }
        }
    }

    @ParameterizedTest(name = "batch={0} rows={1} cols={2}")
    @CsvSource({"1, 1, 1", "1, 33, 65", "3, 7, 31", "1, 197, 64"})
    void sumRows(int batch, int rows, int cols) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, batch * rows * cols, 1));
        try (Arena arena = Arena.ofShared()) {
            double[] ones = new double[batch * rows];
            Arrays.fill(ones, 1);
            MemorySegment sums = poisoned(arena, cols);
            SumRows.forward(sums, segment(arena, x), batch * rows, cols);
            // Σ_r x[r, c] is the matmul of a row of ones with x.
            assertClose("sum rows " + random, Reference64.matmul(ones, x, null, 1, 1, cols, batch * rows, false, false, false), sums, 1e-5, 1e-6 * batch * rows);
        }
    }

    @ParameterizedTest(name = "n={0} maxNorm={1}")
    @CsvSource({"1, 0", "17, 1.0", "40003, 0.5", "100, 1000"})
    void adamw(int n, float maxNorm) {
        Random random = random();
        double[] p = roundToFloat(uniform(random, n, 1)), g = roundToFloat(uniform(random, n, 0.5));
        double[] m = roundToFloat(uniform(random, n, 0.1)), v = uniform(random, n, 0.01);
        for (int i = 0; i < n; i++) v[i] = (float) Math.abs(v[i]);
        int step = 7;
        double lr = 3e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.05;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment norm2 = poisoned(arena, 1);
            Norms.fill(norm2, 1, 0);
            MemorySegment grad = segment(arena, g);
            Norms.accumulateSquares(norm2, grad, n);
            Norms.accumulateSquares(norm2, grad, n); // as if a second tensor with the same gradient
            double globalNorm2 = 2 * Arrays.stream(g).map(x -> x * x).sum();
            assertEquals(globalNorm2, norm2.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 0), 1e-5 * globalNorm2);

            double[][] expected = Reference64.adamw(p, m, v, g, globalNorm2, step, lr, b1, b2, eps, wd, maxNorm);
            MemorySegment ps = segment(arena, p), ms = segment(arena, m), vs = segment(arena, v);
            MemorySegment schedule = segment(arena, new double[] {lr, 1 - Math.pow(b1, step), 1 - Math.pow(b2, step)});
            AdamW.forward(ps, ms, vs, grad, norm2, schedule, n, (float) b1, (float) b2, (float) eps, (float) wd, maxNorm);
            assertClose("adamw param " + random, expected[0], ps, 1e-5, 5e-7);
            assertClose("adamw m " + random, expected[1], ms, 1e-5, 5e-8);
            assertClose("adamw v " + random, expected[2], vs, 1e-5, 1e-9);
        }
    }

    @Test
    void labelsOutsideTheClassesAreRefused() {
        try (Arena arena = Arena.ofShared()) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> CrossEntropy.forward(
                    poisoned(arena, 1), poisoned(arena, 3), segment(arena, new double[] {1, 2, 3}), segment(arena, new double[] {3}), 1, 3, 0));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("label 3.0"), e.getMessage());
        }
    }
}
