package jvit.kernels.tornado;

import static jvit.kernels.Tensors.assertClose;
import static jvit.kernels.Tensors.distinct;
import static jvit.kernels.Tensors.roundToFloat;
import static jvit.kernels.Tensors.uniform;
import static jvit.kernels.tornado.TornadoTesting.devices;
import static jvit.kernels.tornado.TornadoTesting.onJava;
import static jvit.kernels.tornado.TornadoTesting.random;
import static jvit.kernels.tornado.TornadoTesting.run;
import static jvit.kernels.tornado.TornadoTesting.runShared;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import jvit.kernels.FiniteDifferences;
import jvit.kernels.Op;
import jvit.kernels.Reference64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * Every training operator's TornadoVM kernels on every TornadoVM device against the Java kernels
 * (which BackwardTest checks against finite differences of the float64 references) or the float64
 * references, and LayerNorm's and attention's backward passes against finite differences directly,
 * with NaN-poisoned outputs, at sizes that are 1, prime, or just off the kernels' blocks (32 × 8
 * column groups, 256-item groups, 32-row attention groups and 32-key tiles, 12 × 32 matmul blocks).
 */
class TornadoTrainingKernelsTest {

    /** Each device's outputs against the Java kernel's, from the same arguments (null outputs poisoned). */
    private static void assertLikeJava(String what, Op op, double rtol, double atol, double[]... args) {
        double[][] expected = onJava(op, args);
        for (TornadoDevice device : devices()) {
            double[][] actual = run(device, op, args);
            for (int i = 0; i < expected.length; i++)
                assertClose(what + " on " + device + ", output " + i, expected[i], actual[i], rtol, atol);
        }
    }

    @ParameterizedTest(name = "rows={0} cols={1}")
    @CsvSource({"1, 1", "130, 17", "33, 1031"})
    void sumRows(int rows, int cols) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, rows * cols, 1));
        double[] ones = new double[rows];
        Arrays.fill(ones, 1);
        double[] expected = Reference64.matmul(ones, x, null, 1, 1, cols, rows, false, false, false);
        for (TornadoDevice device : devices())
            assertClose("sum rows on " + device + ", " + random, expected, run(device, new Op.SumRows(rows, cols), null, x)[0], 1e-5,
                    1e-6 * rows);
    }

    @ParameterizedTest(name = "rows={0} dim={1}")
    @CsvSource({"1, 1", "130, 17", "33, 1031"})
    void layerScale(int rows, int dim) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, rows * dim, 2)), gamma = roundToFloat(uniform(random, dim, 1));
        double[] dy = roundToFloat(uniform(random, rows * dim, 1));
        assertLikeJava("layer scale " + random, new Op.LayerScale(rows, dim), 1e-6, 1e-7, null, x, gamma);
        double[] expected = onJava(new Op.LayerScale(rows, dim), null, x, gamma)[0];
        for (TornadoDevice device : devices()) // out = x, as the forward graph runs it
            assertClose("layer scale in place on " + device + ", " + random, expected,
                    runShared(device, new Op.LayerScale(rows, dim), new int[] {0, 0, 1}, x, gamma), 1e-6, 1e-7);
        double[] dgamma = new double[dim];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < dim; c++) dgamma[c] += dy[r * dim + c] * x[r * dim + c];
        for (TornadoDevice device : devices())
            assertClose("layer scale backward on " + device + ", " + random, dgamma,
                    run(device, new Op.LayerScaleBackward(rows, dim), null, dy, x)[0], 1e-5, 1e-6 * rows);
    }

    @ParameterizedTest(name = "batch={0} tokens={1} from={2} heads={3} d={4}")
    @CsvSource({"1, 1, 0, 1, 1", "2, 50, 1, 3, 17", "1, 9, 5, 1, 33"})
    void latentAttentionBackward(int batch, int tokens, int from, int heads, int d) {
        Random random = random();
        int width = heads * d;
        double[] q = roundToFloat(uniform(random, width, 1)), kv = roundToFloat(uniform(random, 2 * batch * tokens * width, 1));
        double[] dout = roundToFloat(uniform(random, batch * width, 1));
        assertLikeJava("latent attention backward " + random, new Op.LatentAttentionBackward(batch, tokens, from, heads, d), 1e-3, 1e-5,
                null, null, dout, q, kv);
    }

    @ParameterizedTest(name = "batch={0} tokens={1} hidden={2} prefix={3} {4}")
    @CsvSource({"1, 1, 1, 0, MAX", "3, 50, 17, 1, AVG", "2, 17, 257, 1, AVGMAX", "2, 5, 33, 1, CLASS_AND_AVG"})
    void tokenPoolBackward(int batch, int tokens, int hidden, int prefix, Op.Pooling pooling) {
        Random random = random();
        double[] x = distinct(random, batch * tokens * hidden), dy = roundToFloat(uniform(random, batch * pooling.width(hidden), 1));
        assertLikeJava("token pool backward " + pooling + " " + random, new Op.TokenPoolBackward(batch, tokens, hidden, prefix, pooling),
                1e-6, 1e-7, null, dy, x);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 17, 100_003})
    void geluBackward(int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 5)), dy = roundToFloat(uniform(random, n, 1));
        assertLikeJava("gelu backward " + random, new Op.GeluBackward(n), 1e-5, 1e-6, null, dy, x);
        double[] expected = onJava(new Op.GeluBackward(n), null, dy, x)[0];
        for (TornadoDevice device : devices()) // dx = dy, as the training step runs it
            assertClose("gelu backward in place on " + device + ", " + random, expected,
                    runShared(device, new Op.GeluBackward(n), new int[] {0, 0, 1}, dy, x), 1e-5, 1e-6);
    }

    @ParameterizedTest(name = "{0} n={1}")
    @CsvSource({"GELU_TANH, 17", "QUICK_GELU, 100003"})
    void geluFormsBackward(Op.Activation form, int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 12)), dy = roundToFloat(uniform(random, n, 1));
        // TornadoVM's exp on PoCL is not Java's: the derivatives' sums differ by up to ~2e-5 relative (erf GELU's stay within 1e-5).
        assertLikeJava(form + " backward " + random, new Op.GeluBackward(n, form), 1e-4, 1e-6, null, dy, x);
        double[] expected = onJava(new Op.GeluBackward(n, form), null, dy, x)[0];
        for (TornadoDevice device : devices())
            assertClose(form + " backward in place on " + device + ", " + random, expected,
                    runShared(device, new Op.GeluBackward(n, form), new int[] {0, 0, 1}, dy, x), 1e-4, 1e-6);
    }

    @ParameterizedTest(name = "rows={0} dim={1} eps={2}")
    @CsvSource({"1, 1, 1e-5", "3, 17, 1e-6", "67, 192, 1e-12", "5, 1031, 1e-5"})
    void layerNormBackward(int rows, int dim, float eps) {
        Random random = random();
        double[] x = uniform(random, rows * dim, 2);
        for (int i = 0; i < x.length; i++) x[i] = (float) (x[i] + 30); // an offset against the spread, as in the forward test
        double[] gamma = roundToFloat(uniform(random, dim, 2)), dy = roundToFloat(uniform(random, rows * dim, 1));
        assertLikeJava("layernorm backward " + random, new Op.LayerNormBackward(rows, dim, eps), 1e-3, 1e-4 * Math.sqrt(rows),
                null, null, null, dy, x, gamma);
    }

    @ParameterizedTest(name = "batch={0} tokens={1} heads={2} headDim={3}")
    @CsvSource({"1, 1, 1, 1", "2, 17, 3, 5", "1, 67, 2, 64", "2, 33, 1, 17"})
    void attentionBackward(int batch, int tokens, int heads, int headDim) {
        Random random = random();
        double[] qkv = roundToFloat(uniform(random, 3 * batch * tokens * heads * headDim, 1.5));
        double[] dout = roundToFloat(uniform(random, batch * tokens * heads * headDim, 1));
        assertLikeJava("attention backward " + random, new Op.AttentionBackward(batch, tokens, heads, headDim), 1e-3, 1e-5,
                null, dout, qkv);
    }

    /** LayerNorm's three gradients on the device against central differences of the float64 forward pass. */
    @ParameterizedTest(name = "rows={0} dim={1}")
    @CsvSource({"2, 7", "3, 33"})
    void layerNormBackwardMatchesFiniteDifferences(int rows, int dim) {
        Random random = random();
        float eps = 1e-5f;
        double[] x = roundToFloat(uniform(random, rows * dim, 2)), gamma = roundToFloat(uniform(random, dim, 2));
        double[] beta = roundToFloat(uniform(random, dim, 1)), dy = roundToFloat(uniform(random, rows * dim, 1));
        double[] dx = FiniteDifferences.gradient(t -> Reference64.layerNorm(t, gamma, beta, rows, dim, eps), x.clone(), dy);
        double[] dgamma = FiniteDifferences.gradient(g -> Reference64.layerNorm(x, g, beta, rows, dim, eps), gamma.clone(), dy);
        double[] dbeta = FiniteDifferences.gradient(b -> Reference64.layerNorm(x, gamma, b, rows, dim, eps), beta.clone(), dy);
        for (TornadoDevice device : devices()) {
            double[][] actual = run(device, new Op.LayerNormBackward(rows, dim, eps), null, null, null, dy, x, gamma);
            assertClose("layernorm dx on " + device + ", " + random, dx, actual[0], 1e-3, 1e-4);
            assertClose("layernorm dgamma on " + device + ", " + random, dgamma, actual[1], 1e-3, 1e-4);
            assertClose("layernorm dbeta on " + device + ", " + random, dbeta, actual[2], 1e-3, 1e-4);
        }
    }

    /** Attention's gradient with respect to q, k and v on the device against central differences of the float64 forward pass. */
    @ParameterizedTest(name = "batch={0} tokens={1} heads={2} headDim={3}")
    @CsvSource({"1, 5, 2, 3", "2, 35, 1, 4"})
    void attentionBackwardMatchesFiniteDifferences(int batch, int tokens, int heads, int headDim) {
        Random random = random();
        double[] qkv = roundToFloat(uniform(random, 3 * batch * tokens * heads * headDim, 1.5));
        double[] dout = roundToFloat(uniform(random, batch * tokens * heads * headDim, 1));
        double[] expected = FiniteDifferences.gradient(t -> Reference64.attention(t, batch, tokens, heads, headDim), qkv.clone(), dout);
        for (TornadoDevice device : devices())
            assertClose("attention dqkv on " + device + ", " + random, expected,
                    run(device, new Op.AttentionBackward(batch, tokens, heads, headDim), null, dout, qkv)[0], 1e-3, 1e-4);
    }

    @ParameterizedTest(name = "rows={0} classes={1} smoothing={2}")
    @CsvSource({"1, 1, 0", "4, 10, 0.1", "2, 1000, 0.2"})
    void crossEntropy(int rows, int classes, float smoothing) {
        Random random = random();
        double[] logits = roundToFloat(uniform(random, rows * classes, 8));
        double[] labels = random.ints(rows, 0, classes).asDoubleStream().toArray();
        var op = new Op.CrossEntropy(rows, classes, smoothing);
        double[] expected = Reference64.crossEntropy(logits, Arrays.stream(labels).mapToInt(l -> (int) l).toArray(), rows, classes, smoothing);
        for (TornadoDevice device : devices())
            assertClose("cross-entropy loss on " + device + ", " + random, expected, run(device, op, null, null, logits, labels)[0], 1e-5,
                    1e-5);
        assertLikeJava("cross-entropy " + random, op, 1e-4, 1e-7, null, null, logits, labels);
    }

    @ParameterizedTest(name = "label={0}")
    @ValueSource(doubles = {-1, 1.5})
    void labelsThatAreNoClassGiveNaN(double label) {
        for (TornadoDevice device : devices()) {
            double[][] actual = run(device, new Op.CrossEntropy(2, 3, 0.1f), null, null, new double[] {1, 2, 3, 4, 5, 6},
                    new double[] {0, label});
            assertEquals(Double.NaN, actual[0][1]);
            assertEquals(Double.NaN, actual[1][3]);
            assertEquals(Reference64.crossEntropy(new double[] {1, 2, 3}, new int[] {0}, 1, 3, 0.1)[0], actual[0][0], 1e-5);
        }
    }

    @ParameterizedTest(name = "batch={0} channels={1} {2}x{3} patch={4} hidden={5}")
    @CsvSource({"1, 1, 1, 1, 1, 1", "2, 3, 6, 9, 3, 5", "3, 1, 28, 28, 4, 24"})
    void patchEmbedBackward(int batch, int channels, int height, int width, int patch, int hidden) {
        Random random = random();
        double[] image = roundToFloat(uniform(random, batch * channels * height * width, 1));
        double[] dout = roundToFloat(uniform(random, batch * (height / patch) * (width / patch) * hidden, 1));
        int rows = batch * (height / patch) * (width / patch);
        assertLikeJava("patch embed backward " + random, new Op.PatchEmbedBackward(batch, channels, height, width, patch, hidden),
                1e-5, 1e-6 * rows, null, null, dout, image);
    }

    @ParameterizedTest(name = "batch={0} prefix={1} patches={2} hidden={3} prefixPositions={4}")
    @CsvSource({"1, 1, 1, 1, true", "3, 2, 49, 17, true", "2, 5, 7, 13, false"})
    void embedTokensAndClassTokenBackward(int batch, int prefix, int patches, int hidden, boolean prefixPositions) {
        Random random = random();
        int tokens = prefix + patches;
        double[] dx = roundToFloat(uniform(random, batch * tokens * hidden, 1)), dcls = roundToFloat(uniform(random, batch * hidden, 1));
        assertLikeJava("embed tokens backward " + random, new Op.EmbedTokensBackward(batch, prefix, patches, hidden, prefixPositions),
                1e-6, 1e-6, null, null, null, dx);
        assertLikeJava("token " + (prefix - 1) + " backward " + random, new Op.ClassTokenBackward(batch, tokens, hidden, prefix - 1),
                0, 0, null, dcls);
    }

    @ParameterizedTest(name = "n={0} value={1}")
    @CsvSource({"1, 0", "257, -2.5"})
    void fill(int n, float value) {
        double[] expected = new double[n];
        Arrays.fill(expected, value);
        for (TornadoDevice device : devices())
            assertClose("fill on " + device, expected, run(device, new Op.Fill(n, value), (double[]) null)[0], 0, 0);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 4099, 3_000_017})
    void accumulateSquaresAddsToTheSum(int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 2));
        double expected = 1.5 + Arrays.stream(x).map(v -> v * v).sum();
        for (TornadoDevice device : devices()) {
            double[] actual = run(device, new Op.AccumulateSquares(n), new double[] {1.5}, x)[0];
            assertEquals(expected, actual[0], 1e-6 * expected, "sum of squares on " + device + ", " + random);
            assertEquals(actual[0], run(device, new Op.AccumulateSquares(n), new double[] {1.5}, x)[0][0], "the same sum every time");
        }
    }

    @ParameterizedTest(name = "n={0} maxNorm={1}")
    @CsvSource({"1, 0", "40003, 0.5"})
    void adamw(int n, float maxNorm) {
        Random random = random();
        double[] p = roundToFloat(uniform(random, n, 1)), g = roundToFloat(uniform(random, n, 0.5));
        double[] m = roundToFloat(uniform(random, n, 0.1)), v = roundToFloat(uniform(random, n, 0.01));
        for (int i = 0; i < n; i++) v[i] = Math.abs(v[i]);
        double norm2 = (float) (3 * Arrays.stream(g).map(x -> x * x).sum());
        int step = 7;
        double lr = 3e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.05;
        double[] schedule = roundToFloat(new double[] {lr, 1 - Math.pow(b1, step), 1 - Math.pow(b2, step)});
        var op = new Op.AdamW(n, (float) b1, (float) b2, (float) eps, (float) wd, maxNorm);
        double[][] expected = Reference64.adamw(p, m, v, g, norm2, step, lr, b1, b2, eps, wd, maxNorm);
        for (TornadoDevice device : devices()) {
            double[][] actual = run(device, op, p, m, v, g, new double[] {norm2}, schedule);
            assertClose("adamw param on " + device + ", " + random, expected[0], actual[0], 1e-5, 5e-7);
            assertClose("adamw m on " + device + ", " + random, expected[1], actual[1], 1e-5, 5e-8);
            assertClose("adamw v on " + device + ", " + random, expected[2], actual[2], 1e-5, 1e-9);
        }
    }
}
