package jvit.runtime;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import jvit.kernels.Op;
import jvit.kernels.Reference64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every training operator's device kernels against the Java kernels (which BackwardTest checks
 * against finite differences of the float64 references) or the float64 references, with
 * NaN-poisoned outputs, at sizes that are 1, prime, or just off the kernels' blocks: 32 × 32 tiles,
 * 32-key tiles and 256-thread groups for the GPU kernels, 16- or 8-float vectors and bands of rows
 * per work-item for the CPU kernels. Part of {@link DeviceSuite}: a test class names the device
 * (and so the variant) they run on.
 */
public interface TrainingKernelsTests {
    /** The device the kernels run on. */
    Device device();

    private double[][] onDevice(Op op, double[]... args) {
        return TestDevices.outputs(device(), op, args);
    }

    private static double[][] onJava(Op op, double[]... args) {
        return TestDevices.outputs(Devices.get("java"), op, args);
    }

    /** The device's outputs against the Java kernel's, from the same arguments (null outputs poisoned). */
    private void assertLikeJava(String what, Op op, double rtol, double atol, double[]... args) {
        double[][] actual = onDevice(op, args), expected = onJava(op, args); // the device first: a test without one stops there
        for (int i = 0; i < expected.length; i++) assertClose(what + ", output " + i, expected[i], actual[i], rtol, atol);
    }

    /** A matmul that reads A down its columns, as a linear layer's weight gradient {@code dyᵀ·x} does. */
    @ParameterizedTest(name = "batch={0} m={1} n={2} k={3} transposedB={4}")
    @CsvSource({"1, 1, 1, 1, false", "1, 7, 33, 130, false", "2, 17, 31, 13, true", "1, 96, 192, 1000, false", "1, 67, 129, 97, true",
            "1, 13, 33, 2049, false", "3, 5, 70, 11, false"})
    default void transposedAMatmul(int batch, int m, int n, int k, boolean transposedB) {
        Random random = random();
        double[] a = roundToFloat(uniform(random, batch * m * k, 1)), b = roundToFloat(uniform(random, batch * n * k, 1));
        double[] actual = onDevice(new Op.Matmul(batch, m, n, k, true, transposedB, false, Op.Activation.NONE), null, a, b)[0];
        assertClose("matmul Aᵀ " + random, Reference64.matmul(a, b, null, batch, m, n, k, true, transposedB, false), actual, 1e-5,
                1e-6 * (k + 1));
    }

    @ParameterizedTest(name = "rows={0} cols={1}")
    @CsvSource({"1, 1", "7, 33", "130, 17", "1000, 96", "33, 1031", "3, 16"})
    default void sumRows(int rows, int cols) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, rows * cols, 1));
        double[] ones = new double[rows];
        Arrays.fill(ones, 1);
        double[] expected = Reference64.matmul(ones, x, null, 1, 1, cols, rows, false, false, false);
        assertClose("sum rows " + random, expected, onDevice(new Op.SumRows(rows, cols), null, x)[0], 1e-5, 1e-6 * rows);
    }

    /** LayerScale forward (also its input gradient) and its gamma gradient, a column sum like sumRows'. */
    @ParameterizedTest(name = "rows={0} dim={1}")
    @CsvSource({"1, 1", "7, 33", "130, 17", "1000, 96", "33, 1031", "3, 16"})
    default void layerScale(int rows, int dim) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, rows * dim, 2)), gamma = roundToFloat(uniform(random, dim, 1));
        double[] dy = roundToFloat(uniform(random, rows * dim, 1));
        assertLikeJava("layer scale " + random, new Op.LayerScale(rows, dim), 1e-7, 0, null, x, gamma);
        assertLikeJava("layer scale backward " + random, new Op.LayerScaleBackward(rows, dim), 1e-5, 1e-6 * rows, null, dy, x);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 15, 17, 257, 100_003})
    default void geluBackward(int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 5)), dy = roundToFloat(uniform(random, n, 1));
        assertLikeJava("gelu backward " + random, new Op.GeluBackward(n), 1e-5, 1e-6, null, dy, x);
    }

    @ParameterizedTest(name = "{0} n={1}")
    @CsvSource({"GELU_TANH, 1", "GELU_TANH, 257", "QUICK_GELU, 17", "QUICK_GELU, 100003"})
    default void geluFormsBackward(Op.Activation form, int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 12)), dy = roundToFloat(uniform(random, n, 1));
        assertLikeJava(form + " backward " + random, new Op.GeluBackward(n, form), 1e-5, 1e-6, null, dy, x);
    }

    @ParameterizedTest(name = "rows={0} dim={1} eps={2}")
    @CsvSource({"1, 1, 1e-5", "3, 17, 1e-6", "67, 192, 1e-12", "5, 1031, 1e-5", "2, 16, 1e-6", "130, 24, 1e-6"})
    default void layerNormBackward(int rows, int dim, float eps) {
        Random random = random();
        double[] x = uniform(random, rows * dim, 2);
        for (int i = 0; i < x.length; i++) x[i] = (float) (x[i] + 30); // an offset against the spread, as in the forward test
        double[] gamma = roundToFloat(uniform(random, dim, 2)), dy = roundToFloat(uniform(random, rows * dim, 1));
        assertLikeJava("layernorm backward " + random, new Op.LayerNormBackward(rows, dim, eps), 1e-3, 1e-4 * Math.sqrt(rows),
                null, null, null, dy, x, gamma);
    }

    /**
     * LayerNorm forward and backward on rows far from zero against their spread, against the float64
     * references with LayerNormTest's tight tolerances: every device's kernels shift the row before
     * they take its mean, as the Java kernel does, so a large common offset costs no digits.
     */
    @ParameterizedTest(name = "rows={0} dim={1}")
    @CsvSource({"9, 1", "9, 2", "18, 17", "9, 256", "27, 193", "9, 1031"})
    default void layerNormUnderALargeCommonOffset(int rows, int dim) {
        Random random = random();
        float eps = 1e-12f;
        double[] x = offsetRows(random, rows, dim);
        double[] gamma = roundToFloat(uniform(random, dim, 2)), beta = roundToFloat(uniform(random, dim, 1));
        double[] dy = roundToFloat(uniform(random, rows * dim, 1));
        double[] out = onDevice(new Op.LayerNorm(rows, dim, eps), null, x, gamma, beta)[0];
        assertClose("layernorm " + random, Reference64.layerNorm(x, gamma, beta, rows, dim, eps), out, 1e-4, 1e-4);
        double[][] expected = Reference64.layerNormBackward(dy, x, gamma, rows, dim, eps);
        double[][] actual = onDevice(new Op.LayerNormBackward(rows, dim, eps), null, null, null, dy, x, gamma);
        assertClose("layernorm dx " + random, expected[0], actual[0], 1e-4, 1e-5 * Reference64.layerNormTermScale(x, dy, gamma, rows, dim));
        assertClose("layernorm dgamma " + random, expected[1], actual[1], 1e-4, 1e-4 * Math.sqrt(rows));
        assertClose("layernorm dbeta " + random, expected[2], actual[2], 1e-4, 1e-4 * Math.sqrt(rows));
    }

    @ParameterizedTest(name = "batch={0} tokens={1} heads={2} headDim={3}")
    @CsvSource({"1, 1, 1, 1", "2, 17, 3, 5", "3, 67, 2, 5", "1, 197, 2, 64", "2, 16, 2, 8", "1, 33, 3, 9", "2, 65, 1, 16",
            "1, 31, 2, 7", "1, 32, 1, 17", "2, 50, 3, 32"})
    default void attentionBackward(int batch, int tokens, int heads, int headDim) {
        Random random = random();
        double[] qkv = roundToFloat(uniform(random, 3 * batch * tokens * heads * headDim, 1.5));
        double[] dout = roundToFloat(uniform(random, batch * tokens * heads * headDim, 1));
        assertLikeJava("attention backward " + random, new Op.AttentionBackward(batch, tokens, heads, headDim), 1e-3, 1e-5,
                null, dout, qkv);
    }

    @ParameterizedTest(name = "rows={0} classes={1} smoothing={2}")
    @CsvSource({"1, 1, 0", "3, 7, 0", "4, 10, 0.1", "2, 1000, 0.2", "300, 10, 0.1"})
    default void crossEntropy(int rows, int classes, float smoothing) {
        Random random = random();
        double[] logits = roundToFloat(uniform(random, rows * classes, 8));
        double[] labels = random.ints(rows, 0, classes).asDoubleStream().toArray();
        var op = new Op.CrossEntropy(rows, classes, smoothing);
        double[][] actual = onDevice(op, null, null, logits, labels);
        assertClose("cross-entropy loss " + random, Reference64.crossEntropy(logits, Arrays.stream(labels).mapToInt(l -> (int) l).toArray(),
                rows, classes, smoothing), actual[0], 1e-5, 1e-5);
        assertLikeJava("cross-entropy " + random, op, 1e-4, 1e-7, null, null, logits, labels);
    }

    @ParameterizedTest(name = "label={0}")
    @ValueSource(doubles = {-1, 3, 1.5})
    default void labelsThatAreNoClassGiveNaN(double label) {
        double[][] actual = onDevice(new Op.CrossEntropy(2, 3, 0.1f), null, null, new double[] {1, 2, 3, 4, 5, 6}, new double[] {0, label});
        assertEquals(Double.NaN, actual[0][1]);
        assertEquals(Double.NaN, actual[1][3]);
        assertEquals(Reference64.crossEntropy(new double[] {1, 2, 3}, new int[] {0}, 1, 3, 0.1)[0], actual[0][0], 1e-5);
    }

    @ParameterizedTest(name = "batch={0} channels={1} {2}x{3} patch={4} hidden={5}")
    @CsvSource({"1, 1, 1, 1, 1, 1", "2, 3, 6, 9, 3, 5", "4, 1, 28, 28, 7, 17", "1, 2, 35, 21, 7, 67", "1, 3, 4, 52, 4, 33",
            "2, 3, 32, 16, 16, 32", "3, 1, 28, 28, 4, 24"})
    default void patchEmbedBackward(int batch, int channels, int height, int width, int patch, int hidden) {
        Random random = random();
        double[] image = roundToFloat(uniform(random, batch * channels * height * width, 1));
        double[] dout = roundToFloat(uniform(random, batch * (height / patch) * (width / patch) * hidden, 1));
        int rows = batch * (height / patch) * (width / patch);
        assertLikeJava("patch embed backward " + random, new Op.PatchEmbedBackward(batch, channels, height, width, patch, hidden),
                1e-5, 1e-6 * rows, null, null, dout, image);
    }

    @ParameterizedTest(name = "batch={0} prefix={1} patches={2} hidden={3} prefixPositions={4}")
    @CsvSource({"1, 1, 1, 1, true", "3, 1, 49, 17, true", "2, 1, 196, 67, true", "2, 1, 15, 32, true", "5, 1, 16, 15, true",
            "2, 2, 49, 17, true", "3, 5, 16, 15, false", "1, 3, 1, 5, false", "3, 0, 49, 17, true", "1, 0, 1, 5, false"})
    default void embedTokensAndClassTokenBackward(int batch, int prefix, int patches, int hidden, boolean prefixPositions) {
        Random random = random();
        int tokens = prefix + patches;
        double[] dx = roundToFloat(uniform(random, batch * tokens * hidden, 1)), dcls = roundToFloat(uniform(random, batch * hidden, 1));
        Op.EmbedTokensBackward op = new Op.EmbedTokensBackward(batch, prefix, patches, hidden, prefixPositions);
        if (prefix > 0) assertLikeJava("embed tokens backward " + random, op, 1e-6, 1e-6, null, null, null, dx);
        else assertLikeJava("embed tokens backward without prefix " + random, op, 1e-6, 1e-6, null, null, dx);
        for (int token : prefix > 0 ? new int[] {0, prefix - 1} : new int[0])
            assertLikeJava("token " + token + " backward " + random, new Op.ClassTokenBackward(batch, tokens, hidden, token), 0, 0,
                    null, dcls);
    }

    @ParameterizedTest(name = "batch={0} tokens={1} from={2} heads={3} d={4}")
    @CsvSource({"1, 1, 0, 1, 1", "2, 50, 1, 3, 17", "3, 197, 1, 4, 64", "1, 9, 5, 1, 257"})
    default void latentAttentionBackward(int batch, int tokens, int from, int heads, int d) {
        Random random = random();
        int width = heads * d;
        double[] q = roundToFloat(uniform(random, width, 1)), kv = roundToFloat(uniform(random, 2 * batch * tokens * width, 1));
        double[] dout = roundToFloat(uniform(random, batch * width, 1));
        assertLikeJava("latent attention backward " + random, new Op.LatentAttentionBackward(batch, tokens, from, heads, d), 1e-3, 1e-5,
                null, null, dout, q, kv);
    }

    /** The Java kernel's ties and order of sums are the device kernels' too: they agree closely, even on maxima. */
    @ParameterizedTest(name = "batch={0} tokens={1} hidden={2} prefix={3} {4}")
    @CsvSource({"1, 1, 1, 0, MAX", "3, 50, 17, 1, AVG", "2, 197, 257, 1, MAX", "5, 7, 67, 5, AVGMAX", "2, 17, 255, 1, CLASS_AND_AVG"})
    default void tokenPoolBackward(int batch, int tokens, int hidden, int prefix, Op.Pooling pooling) {
        Random random = random();
        double[] x = distinct(random, batch * tokens * hidden), dy = roundToFloat(uniform(random, batch * pooling.width(hidden), 1));
        assertLikeJava("token pool backward " + pooling + " " + random, new Op.TokenPoolBackward(batch, tokens, hidden, prefix, pooling),
                1e-6, 1e-7, null, dy, x);
    }

    @ParameterizedTest(name = "n={0} value={1}")
    @CsvSource({"1, 0", "257, -2.5"})
    default void fill(int n, float value) {
        double[] expected = new double[n];
        Arrays.fill(expected, value);
        assertClose("fill", expected, onDevice(new Op.Fill(n, value), (double[]) null)[0], 0, 0);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 17, 4099, 100_003, 3_000_017})
    default void accumulateSquaresAddsToTheSum(int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 2));
        double expected = 1.5 + Arrays.stream(x).map(v -> v * v).sum();
        double[] actual = onDevice(new Op.AccumulateSquares(n), new double[] {1.5}, x)[0];
        assertEquals(expected, actual[0], 1e-6 * expected, "sum of squares " + random);
        assertEquals(actual[0], onDevice(new Op.AccumulateSquares(n), new double[] {1.5}, x)[0][0], "the same sum every time");
    }

    @ParameterizedTest(name = "n={0} maxNorm={1}")
    @CsvSource({"1, 0", "17, 1.0", "40003, 0.5", "100, 1000"})
    default void adamw(int n, float maxNorm) {
        Random random = random();
        double[] p = roundToFloat(uniform(random, n, 1)), g = roundToFloat(uniform(random, n, 0.5));
        double[] m = roundToFloat(uniform(random, n, 0.1)), v = roundToFloat(uniform(random, n, 0.01));
        for (int i = 0; i < n; i++) v[i] = Math.abs(v[i]);
        double norm2 = (float) (3 * Arrays.stream(g).map(x -> x * x).sum());
        int step = 7;
        double lr = 3e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.05;
        double[] schedule = roundToFloat(new double[] {lr, 1 - Math.pow(b1, step), 1 - Math.pow(b2, step)});
        var op = new Op.AdamW(n, (float) b1, (float) b2, (float) eps, (float) wd, maxNorm);
        double[][] actual = onDevice(op, p, m, v, g, new double[] {norm2}, schedule);
        double[][] expected = Reference64.adamw(p, m, v, g, norm2, step, lr, b1, b2, eps, wd, maxNorm);
        assertClose("adamw param " + random, expected[0], actual[0], 1e-5, 5e-7);
        assertClose("adamw m " + random, expected[1], actual[1], 1e-5, 5e-8);
        assertClose("adamw v " + random, expected[2], actual[2], 1e-5, 1e-9);
    }
}
