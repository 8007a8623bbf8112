package jvit.kernels.tornado;

import static jvit.kernels.Tensors.assertClose;
import static jvit.kernels.Tensors.roundToFloat;
import static jvit.kernels.Tensors.uniform;
import static jvit.kernels.tornado.TornadoTesting.devices;
import static jvit.kernels.tornado.TornadoTesting.random;
import static jvit.kernels.tornado.TornadoTesting.run;
import static jvit.kernels.tornado.TornadoTesting.runInPlace;
import static jvit.kernels.tornado.TornadoTesting.runShared;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.Reference64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Every forward operator's TornadoVM kernels on every TornadoVM device against the float64
 * references, with NaN-poisoned outputs, at sizes that are 1, prime, or just off the kernels'
 * blocks: 12 rows × 32 columns (CPU matmul) and 64 × 64 × 16 tiles (GPU matmul), 32-key tiles and
 * 32-row work-groups for attention, 256 work-items for rows and elements. Few shapes per operator:
 * TornadoVM compiles each shape anew.
 */
class TornadoKernelsTest {

    @ParameterizedTest(name = "batch={0} m={1} n={2} k={3} transposedA={4} transposedB={5} bias={6} gelu={7}")
    @CsvSource({
            "1, 1, 1, 1, false, true, false, false",
            "2, 17, 31, 13, false, true, true, true",
            "1, 67, 129, 97, false, false, true, false",
            "3, 13, 33, 29, true, false, false, false",
            "1, 25, 65, 70, true, true, true, true",
    })
    void matmul(int batch, int m, int n, int k, boolean transposedA, boolean transposedB, boolean bias, boolean gelu) {
        Random random = random();
        double[] a = roundToFloat(uniform(random, batch * m * k, 1));
        double[] b = roundToFloat(uniform(random, batch * n * k, 1));
        double[] c = roundToFloat(uniform(random, n, 1));
        var op = new Op.Matmul(batch, m, n, k, transposedA, transposedB, bias, gelu ? Activation.GELU : Activation.NONE);
        double[] expected = Reference64.matmul(a, b, bias ? c : null, batch, m, n, k, transposedA, transposedB, gelu);
        for (TornadoDevice device : devices()) {
            double[] actual = (bias ? run(device, op, null, a, b, c) : run(device, op, null, a, b))[0];
            assertClose("matmul on " + device + ", " + random, expected, actual, 1e-5, 1e-6 * (k + 1));
        }
    }

    /** The GPU matmul (local-memory tiles) on every device, CPU devices included: it runs anywhere. */
    @ParameterizedTest(name = "batch={0} m={1} n={2} k={3} transposedA={4} transposedB={5} bias={6} gelu={7}")
    @CsvSource({
            "2, 17, 31, 13, false, true, true, true",
            "1, 67, 129, 97, true, false, false, false",
    })
    void tiledMatmul(int batch, int m, int n, int k, boolean transposedA, boolean transposedB, boolean bias, boolean gelu) {
        Random random = random();
        double[] a = roundToFloat(uniform(random, batch * m * k, 1));
        double[] b = roundToFloat(uniform(random, batch * n * k, 1));
        double[] c = roundToFloat(uniform(random, n, 1));
        var op = new Op.Matmul(batch, m, n, k, transposedA, transposedB, bias, gelu ? Activation.GELU : Activation.NONE);
        double[] expected = Reference64.matmul(a, b, bias ? c : null, batch, m, n, k, transposedA, transposedB, gelu);
        for (TornadoDevice device : devices()) {
            var gpu = TornadoDeviceType.GPU;
            double[] actual = (bias ? run(device, gpu, op, null, a, b, c) : run(device, gpu, op, null, a, b))[0];
            assertClose("tiled matmul on " + device + ", " + random, expected, actual, 1e-5, 1e-6 * (k + 1));
        }
    }

    @ParameterizedTest(name = "rows={0} dim={1} eps={2}")
    @CsvSource({"1, 1, 1e-6", "3, 17, 1e-6", "5, 197, 1e-12", "2, 1031, 1e-5"})
    void layerNorm(int rows, int dim, float eps) {
        Random random = random();
        // A large offset against the spread: E[x²]-E[x]² would lose every digit.
        double[] x = uniform(random, rows * dim, 1);
        for (int i = 0; i < x.length; i++) x[i] = (float) (x[i] + 300);
        double[] gamma = roundToFloat(uniform(random, dim, 2)), beta = roundToFloat(uniform(random, dim, 1));
        double[] expected = Reference64.layerNorm(x, gamma, beta, rows, dim, eps);
        for (TornadoDevice device : devices())
            assertClose("layernorm on " + device + ", " + random, expected,
                    run(device, new Op.LayerNorm(rows, dim, eps), null, x, gamma, beta)[0], 1e-3, 1e-3);
    }

    @ParameterizedTest(name = "rows={0} dim={1}")
    @CsvSource({"1, 1", "5, 17", "3, 197", "2, 1031"})
    void softmax(int rows, int dim) {
        Random random = random();
        // Large logits: exp overflows float32 unless the row maximum is subtracted first.
        double[] x = roundToFloat(uniform(random, rows * dim, 120));
        double[] expected = Reference64.softmax(x, rows, dim);
        var op = new Op.Softmax(rows, dim);
        for (TornadoDevice device : devices()) {
            assertClose("softmax on " + device + ", " + random, expected, run(device, op, null, x)[0], 1e-5, 1e-7);
            assertClose("softmax in place on " + device + ", " + random, expected, runInPlace(device, op, x), 1e-5, 1e-7);
        }
    }

    @ParameterizedTest(name = "batch={0} tokens={1} heads={2} headDim={3}")
    @CsvSource({"1, 1, 1, 1", "2, 17, 3, 5", "1, 67, 2, 64", "2, 33, 1, 17"})
    void attention(int batch, int tokens, int heads, int headDim) {
        Random random = random();
        double[] qkv = roundToFloat(uniform(random, 3 * batch * tokens * heads * headDim, 2));
        double[] expected = Reference64.attention(qkv, batch, tokens, heads, headDim);
        for (TornadoDevice device : devices())
            assertClose("attention on " + device + ", " + random, expected,
                    run(device, new Op.Attention(batch, tokens, heads, headDim), null, qkv)[0], 1e-4, 1e-5);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 257, 100_003})
    void gelu(int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 6));
        double[] expected = Reference64.gelu(x);
        for (TornadoDevice device : devices()) {
            assertClose("gelu on " + device + ", " + random, expected, run(device, new Op.Gelu(n), null, x)[0], 1e-5, 1e-6);
            assertClose("gelu in place on " + device + ", " + random, expected, runInPlace(device, new Op.Gelu(n), x), 1e-5, 1e-6);
        }
    }

    /** GELU's other forms, past ±10 where they saturate, alone and in both matmul epilogues (tiled, and blocked's own task). */
    @ParameterizedTest(name = "{0} n={1}")
    @CsvSource({"GELU_TANH, 1", "GELU_TANH, 100003", "QUICK_GELU, 257"})
    void geluForms(Activation form, int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 12));
        double[] expected = Reference64.activation(x, form);
        double[] a = roundToFloat(uniform(random, 17 * 13, 1)), b = roundToFloat(uniform(random, 31 * 13, 1)), c = roundToFloat(uniform(random, 31, 1));
        var matmul = new Op.Matmul(1, 17, 31, 13, false, true, true, form);
        double[] product = Reference64.matmul(a, b, c, 1, 17, 31, 13, false, true, form);
        for (TornadoDevice device : devices()) {
            assertClose(form + " on " + device + ", " + random, expected, run(device, new Op.Gelu(n, form), null, x)[0], 1e-5, 1e-6);
            assertClose(form + " in place on " + device + ", " + random, expected, runInPlace(device, new Op.Gelu(n, form), x), 1e-5, 1e-6);
            assertClose("matmul " + form + " on " + device + ", " + random, product, run(device, matmul, null, a, b, c)[0], 1e-5, 1e-5);
            assertClose("tiled matmul " + form + " on " + device + ", " + random, product,
                    run(device, TornadoDeviceType.GPU, matmul, null, a, b, c)[0], 1e-5, 1e-5);
        }
    }

    @ParameterizedTest(name = "rows={0} heads={1} headDim={2}")
    @CsvSource({"1, 1, 1", "67, 3, 5"})
    void qkHeads(int rows, int heads, int headDim) {
        Random random = random();
        int n = rows * heads * headDim;
        double[] qkv = roundToFloat(uniform(random, 3 * n, 2)), q = roundToFloat(uniform(random, n, 2)), k = roundToFloat(uniform(random, n, 2));
        double[][] split = Reference64.qkSplit(qkv, rows, heads, headDim);
        double[] merged = Reference64.qkMerge(qkv, q, k, rows, heads, headDim);
        for (TornadoDevice device : devices()) {
            double[][] actual = run(device, new Op.QkSplit(rows, heads, headDim), null, null, qkv);
            assertClose("qk split q on " + device + ", " + random, split[0], actual[0], 0, 0);
            assertClose("qk split k on " + device + ", " + random, split[1], actual[1], 0, 0);
            assertClose("qk merge on " + device + ", " + random, merged, run(device, new Op.QkMerge(rows, heads, headDim), null, qkv, q, k)[0],
                    0, 0);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 65_537})
    void add(int n) {
        Random random = random();
        double[] a = roundToFloat(uniform(random, n, 10)), b = roundToFloat(uniform(random, n, 10));
        for (TornadoDevice device : devices())
            assertClose("add on " + device + ", " + random, Reference64.add(a, b), run(device, new Op.Add(n), null, a, b)[0], 1e-7, 0);
    }

    /** out = a + b where out is a, out is b, a is b, or all three are one array: each a kernel of its own. */
    @ParameterizedTest(name = "arrays={0}")
    @ValueSource(strings = {"0 0 1", "0 1 0", "0 1 1", "0 0 0"})
    void addWithSharedArrays(String arrays) {
        Random random = random();
        int n = 1031;
        int[] slots = Arrays.stream(arrays.split(" ")).mapToInt(Integer::parseInt).toArray();
        double[] x = roundToFloat(uniform(random, n, 10)), y = roundToFloat(uniform(random, n, 10));
        double[][] values = slots[1] == slots[2] && slots[0] == slots[1] ? new double[][] {x} : new double[][] {x, y};
        double[] expected = Reference64.add(values[slots[1]], values[slots[2]]);
        for (TornadoDevice device : devices())
            assertClose("add " + arrays + " on " + device + ", " + random, expected, runShared(device, new Op.Add(n), slots,
                    values), 1e-7, 0);
    }

    @Test
    void refusesOneArrayTwiceWhereNoKernelTakesIt() {
        var x = new FloatArray(12);
        var e = assertThrows(IllegalArgumentException.class,
                () -> TornadoKernels.launch(new Op.LayerNorm(3, 4, 1e-5f), "t", TornadoDeviceType.CPU, x, x, x, x));
        assertTrue(e.getMessage().contains("same array"), e.getMessage());
    }

    @Test
    void refusesHeadsLargerThanItsPrivateRows() {
        int headDim = TornadoAttention.MAX_HEAD_DIM + 1;
        var out = new FloatArray(headDim);
        var qkv = new FloatArray(3 * headDim);
        var e = assertThrows(IllegalArgumentException.class,
                () -> TornadoKernels.launch(new Op.Attention(1, 1, 1, headDim), "t", TornadoDeviceType.GPU, out, qkv));
        assertTrue(e.getMessage().contains("heads of up to " + TornadoAttention.MAX_HEAD_DIM), e.getMessage());
    }

    @ParameterizedTest(name = "batch={0} channels={1} {2}x{3} patch={4} hidden={5}")
    @CsvSource({"1, 1, 1, 1, 1, 1", "2, 3, 6, 9, 3, 5", "1, 2, 35, 21, 7, 67"})
    void patchEmbed(int batch, int channels, int height, int width, int patch, int hidden) {
        Random random = random();
        double[] image = roundToFloat(uniform(random, batch * channels * height * width, 1));
        double[] weight = roundToFloat(uniform(random, hidden * channels * patch * patch, 1));
        double[] bias = roundToFloat(uniform(random, hidden, 1));
        double[] expected = Reference64.patchEmbed(image, weight, bias, batch, channels, height, width, patch, hidden);
        var op = new Op.PatchEmbed(batch, channels, height, width, patch, hidden);
        for (TornadoDevice device : devices())
            assertClose("patch embed on " + device + ", " + random, expected, run(device, op, null, image, weight, bias)[0], 1e-5,
                    1e-6 * channels * patch * patch);
    }

    /** Prefixes: the class token alone, DeiT's class and distillation tokens, a class token and registers without positions. */
    @ParameterizedTest(name = "batch={0} prefix={1} patches={2} hidden={3} prefixPositions={4}")
    @CsvSource({"1, 1, 1, 1, true", "3, 2, 49, 17, true", "2, 5, 7, 13, false"})
    void embedTokensAndClassToken(int batch, int prefix, int patches, int hidden, boolean prefixPositions) {
        Random random = random();
        int tokens = prefix + patches, from = prefixPositions ? 0 : prefix;
        double[] x = roundToFloat(uniform(random, batch * patches * hidden, 1));
        double[] pre = roundToFloat(uniform(random, prefix * hidden, 1));
        double[] pos = roundToFloat(uniform(random, (tokens - from) * hidden, 1));
        double[] expected = Reference64.embedTokens(x, pre, pos, batch, prefix, patches, hidden, from);
        for (TornadoDevice device : devices()) {
            double[] out = run(device, new Op.EmbedTokens(batch, prefix, patches, hidden, prefixPositions), null, x, pre, pos)[0];
            assertClose("embed tokens on " + device + ", " + random, expected, out, 1e-7, 0);
            int token = prefix - 1;
            assertClose("token " + token + " on " + device + ", " + random, Reference64.classToken(expected, batch, tokens, hidden, token),
                    run(device, new Op.ClassToken(batch, tokens, hidden, token), null, out)[0], 1e-7, 0);
        }
    }

    @ParameterizedTest(name = "batch={0} tokens={1} from={2} heads={3} d={4}")
    @CsvSource({"1, 1, 0, 1, 1", "2, 50, 1, 3, 17", "1, 9, 5, 1, 257"})
    void latentAttention(int batch, int tokens, int from, int heads, int d) {
        Random random = random();
        int width = heads * d;
        double[] q = roundToFloat(uniform(random, width, 1)), kv = roundToFloat(uniform(random, 2 * batch * tokens * width, 1));
        double[] expected = Reference64.latentAttention(q, kv, batch, tokens, from, heads, d);
        for (TornadoDevice device : devices())
            assertClose("latent attention on " + device + ", " + random, expected,
                    run(device, new Op.LatentAttention(batch, tokens, from, heads, d), null, q, kv)[0], 1e-4, 1e-5);
    }

    @ParameterizedTest(name = "batch={0} tokens={1} hidden={2} prefix={3} {4}")
    @CsvSource({"1, 1, 1, 0, AVG", "3, 50, 17, 1, MAX", "2, 17, 257, 1, AVGMAX", "2, 5, 33, 1, CLASS_AND_AVG"})
    void tokenPool(int batch, int tokens, int hidden, int prefix, Op.Pooling pooling) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, batch * tokens * hidden, 2));
        double[] expected = Reference64.tokenPool(x, batch, tokens, hidden, prefix, pooling);
        for (TornadoDevice device : devices())
            assertClose("token pool " + pooling + " on " + device + ", " + random, expected,
                    run(device, new Op.TokenPool(batch, tokens, hidden, prefix, pooling), null, x)[0], 1e-5, 1e-6);
    }
}
