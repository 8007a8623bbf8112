package jvit.runtime;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.Reference64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every operator's device kernel against the float64 references, outputs poisoned with NaN, at
 * sizes that are 1, prime, or just off the kernels' tiles: for the GPU kernels 64 × 64 × 16 for
 * matmul, 64 query rows and 32 keys for attention, 256 threads for rows and elements; for the CPU
 * kernels (what PoCL runs) 11 rows × 32 columns and panels 2048 deep for matmul, blocks of 16
 * queries, tiles of 32 keys and groups of 16 keys and columns for attention, 16-float vectors for
 * rows and elements. Part of {@link DeviceSuite}: a test class names the device they run on.
 */
public interface DeviceKernelsTests {
    /** The device the kernels run on. */
    Device device();

    private double[] run(Op op, double[]... inputs) {
        return TestDevices.run(device(), op, inputs);
    }

    private double[] runInPlace(Op op, double[] x) {
        return TestDevices.runInPlace(device(), op, x);
    }

    @ParameterizedTest(name = "batch={0} m={1} n={2} k={3} transposedB={4} bias={5} gelu={6}")
    @CsvSource({
            "1, 1, 1, 1, true, false, false",
            "1, 1, 1, 1, false, true, true",
            "2, 17, 31, 13, true, true, true",
            "3, 13, 1, 29, false, true, false",
            "1, 67, 129, 97, true, false, false",
            "1, 67, 129, 97, false, true, true",
            "2, 65, 63, 17, false, false, false",
            "1, 1, 769, 67, true, true, false",
            "1, 12, 32, 16, true, true, true",
            "2, 13, 33, 2049, true, true, true",
            "1, 11, 31, 2047, false, true, false",
            "1, 25, 65, 5, false, false, true",
            "1, 37, 16, 129, false, true, true",
            "1, 23, 33, 31, true, false, true",
    })
    default void matmul(int batch, int m, int n, int k, boolean transposedB, boolean bias, boolean gelu) {
        Random random = random();
        double[] a = roundToFloat(uniform(random, batch * m * k, 1));
        double[] b = roundToFloat(uniform(random, batch * n * k, 1));
        double[] c = roundToFloat(uniform(random, n, 1));
        var op = new Op.Matmul(batch, m, n, k, false, transposedB, bias, gelu ? Activation.GELU : Activation.NONE);
        double[] actual = bias ? run(op, a, b, c) : run(op, a, b);
        double[] expected = Reference64.matmul(a, b, bias ? c : null, batch, m, n, k, false, transposedB, gelu);
        assertClose("matmul " + random, expected, actual, 1e-5, 1e-6 * (k + 1));
    }

    /**
     * {@code C += op(A)·op(B) (+ bias)}, C read as the task's last argument (a residual branch's last layer). C starts
     * from random values, so an element the kernel does not write keeps them and fails.
     */
    @ParameterizedTest(name = "batch={0} m={1} n={2} k={3} transposedB={4} bias={5}")
    @CsvSource({"1, 1, 1, 1, true, true", "2, 17, 31, 13, true, false", "1, 3, 769, 67, true, true", "1, 67, 129, 97, false, true",
            "1, 13, 33, 2049, true, true"})
    default void matmulAccumulate(int batch, int m, int n, int k, boolean transposedB, boolean bias) {
        Random random = random();
        double[] c = roundToFloat(uniform(random, batch * m * n, 1)), a = roundToFloat(uniform(random, batch * m * k, 1));
        double[] b = roundToFloat(uniform(random, batch * n * k, 1)), d = roundToFloat(uniform(random, n, 1));
        var op = new Op.Matmul(batch, m, n, k, false, transposedB, bias, Activation.NONE, true);
        double[] actual = bias ? TestDevices.runAccumulating(device(), op, c, a, b, d) : TestDevices.runAccumulating(device(), op, c, a, b);
        double[] expected = Reference64.add(c, Reference64.matmul(a, b, bias ? d : null, batch, m, n, k, false, transposedB, false));
        assertClose("matmul adding to C " + random, expected, actual, 1e-5, 1e-6 * (k + 2));
    }

    /**
     * A weight that does not change (copied in on the first execution only, written by no task): CPU
     * devices pack it once into the panels the product reads. Two executions with different A, the
     * output poisoned before each, both against the reference: the second reads the panels the first packed.
     */
    @ParameterizedTest(name = "batch={0} m={1} n={2} k={3} transposedB={4}")
    @CsvSource({"1, 1, 1, 1, true", "2, 13, 33, 2049, true", "1, 25, 65, 67, false"})
    default void matmulConstantWeight(int batch, int m, int n, int k, boolean transposedB) {
        Random random = random();
        double[] b = roundToFloat(uniform(random, batch * n * k, 1)), bias = roundToFloat(uniform(random, n, 1));
        assertConstantWeight(new Op.Matmul(batch, m, n, k, false, transposedB, true, Activation.GELU), b, bias, random,
                a -> Reference64.matmul(a, b, bias, batch, m, n, k, false, transposedB, true), 1e-6 * (k + 1));
    }

    /** The patch embedding's weight, constant as in a forward pass: packed once, as a matmul's (above). */
    @ParameterizedTest(name = "batch={0} channels={1} {2}x{3} patch={4} hidden={5}")
    @CsvSource({"1, 1, 1, 1, 1, 1", "2, 3, 35, 21, 7, 67", "1, 3, 32, 48, 16, 33"})
    default void patchEmbedConstantWeight(int batch, int channels, int height, int width, int patch, int hidden) {
        Random random = random();
        double[] weight = roundToFloat(uniform(random, hidden * channels * patch * patch, 1));
        double[] bias = roundToFloat(uniform(random, hidden, 1));
        assertConstantWeight(new Op.PatchEmbed(batch, channels, height, width, patch, hidden), weight, bias, random,
                image -> Reference64.patchEmbed(image, weight, bias, batch, channels, height, width, patch, hidden),
                1e-6 * channels * patch * patch);
    }

    /**
     * {@code op}, whose arguments are (out, input, weight, bias), run twice on one plan with the weight and bias copied
     * in on the first execution only, each time on a new input and a poisoned output, against {@code reference(input)}.
     */
    private void assertConstantWeight(Op op, double[] weight, double[] bias, Random random, UnaryOperator<double[]> reference,
                                      double tolerance) {
        long outElements = op.argElements()[0], inElements = op.argElements()[1];
        try (Arena arena = Arena.ofShared()) {
            Tensor out = Tensor.of("out", poisoned(arena, outElements), outElements);
            Tensor in = Tensor.of("in", segment(arena, new double[Math.toIntExact(inElements)]), inElements);
            Tensor w = Tensor.of("weight", segment(arena, weight), weight.length), b = Tensor.of("bias", segment(arena, bias), bias.length);
            var graph = new TaskGraph("constant_weight")
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, w, b)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, in, out)
                    .task(op.name(), op, out, in, w, b)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, out)
                    .snapshot();
            assertEquals(Set.of(w, b), graph.constants());
            try (var plan = new ExecutionPlan(graph, device())) {
                for (int run = 0; run < 2; run++) {
                    double[] input = roundToFloat(uniform(random, Math.toIntExact(inElements), 1));
                    in.host().copyFrom(segment(arena, input));
                    out.host().copyFrom(poisoned(arena, outElements));
                    plan.execute();
                    assertClose(op.name() + ", constant weight, run " + run + " " + random, reference.apply(input),
                            toDoubles(out.host(), Math.toIntExact(outElements)), 1e-5, tolerance);
                }
            }
        }
    }

    /** The other GELU forms fused into the product: tile edges both ways, and a whole tile's block. */
    @ParameterizedTest(name = "{0} batch={1} m={2} n={3} k={4} transposedB={5}")
    @CsvSource({"GELU_TANH, 2, 17, 31, 13, true", "GELU_TANH, 1, 67, 129, 97, false", "QUICK_GELU, 1, 1, 769, 67, true",
            "QUICK_GELU, 1, 25, 65, 5, false"})
    default void matmulActivations(Activation form, int batch, int m, int n, int k, boolean transposedB) {
        Random random = random();
        double[] a = roundToFloat(uniform(random, batch * m * k, 1));
        double[] b = roundToFloat(uniform(random, batch * n * k, 1));
        double[] c = roundToFloat(uniform(random, n, 1));
        double[] actual = run(new Op.Matmul(batch, m, n, k, false, transposedB, true, form), a, b, c);
        double[] expected = Reference64.matmul(a, b, c, batch, m, n, k, false, transposedB, form);
        assertClose("matmul " + form + " " + random, expected, actual, 1e-5, 1e-6 * (k + 1));
    }

    @ParameterizedTest(name = "rows={0} dim={1} eps={2}")
    @CsvSource({"1, 1, 1e-6", "3, 17, 1e-6", "2, 16, 1e-6", "5, 15, 1e-6", "197, 192, 1e-12", "2, 1031, 1e-5"})
    default void layerNorm(int rows, int dim, float eps) {
        Random random = random();
        // A large offset against the spread: E[x²]-E[x]² would lose every digit.
        double[] x = uniform(random, rows * dim, 1);
        for (int i = 0; i < x.length; i++) x[i] = (float) (x[i] + 300);
        double[] gamma = roundToFloat(uniform(random, dim, 2)), beta = roundToFloat(uniform(random, dim, 1));
        double[] actual = run(new Op.LayerNorm(rows, dim, eps), x, gamma, beta);
        assertClose("layernorm " + random, Reference64.layerNorm(x, gamma, beta, rows, dim, eps), actual, 1e-3, 1e-3);
    }

    @ParameterizedTest(name = "rows={0} dim={1}")
    @CsvSource({"1, 1", "5, 17", "2, 16", "17, 15", "3, 197", "2, 1031"})
    default void softmax(int rows, int dim) {
        Random random = random();
        // Large logits: exp overflows float32 unless the row maximum is subtracted first.
        double[] x = roundToFloat(uniform(random, rows * dim, 120));
        double[] expected = Reference64.softmax(x, rows, dim);
        assertClose("softmax " + random, expected, run(new Op.Softmax(rows, dim), x), 1e-5, 1e-7);
        assertClose("softmax in place " + random, expected, runInPlace(new Op.Softmax(rows, dim), x), 1e-5, 1e-7);
    }

    @ParameterizedTest(name = "batch={0} tokens={1} heads={2} headDim={3}")
    @CsvSource({"1, 1, 1, 1", "2, 17, 3, 5", "3, 67, 2, 5", "1, 197, 2, 64", "2, 16, 2, 8", "1, 33, 3, 9", "2, 65, 1, 16",
            "1, 31, 2, 7", "1, 32, 1, 17", "1, 47, 1, 33"})
    default void attention(int batch, int tokens, int heads, int headDim) {
        Random random = random();
        double[] qkv = roundToFloat(uniform(random, 3 * batch * tokens * heads * headDim, 2));
        double[] actual = run(new Op.Attention(batch, tokens, heads, headDim), qkv);
        assertClose("attention " + random, Reference64.attention(qkv, batch, tokens, heads, headDim), actual, 1e-4, 1e-5);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 15, 16, 17, 257, 100_003})
    default void gelu(int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 6));
        assertClose("gelu " + random, Reference64.gelu(x), run(new Op.Gelu(n), x), 1e-5, 1e-6);
        assertClose("gelu in place " + random, Reference64.gelu(x), runInPlace(new Op.Gelu(n), x), 1e-5, 1e-6);
    }

    /** Past ±10, where tanh and σ saturate. */
    @ParameterizedTest(name = "{0} n={1}")
    @CsvSource({"GELU_TANH, 1", "GELU_TANH, 17", "GELU_TANH, 100003", "QUICK_GELU, 15", "QUICK_GELU, 257", "QUICK_GELU, 65537"})
    default void geluForms(Activation form, int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 12));
        double[] expected = Reference64.activation(x, form);
        assertClose(form + " " + random, expected, run(new Op.Gelu(n, form), x), 1e-5, 1e-6);
        assertClose(form + " in place " + random, expected, runInPlace(new Op.Gelu(n, form), x), 1e-5, 1e-6);
    }

    /** qk_norm's moves of the queries and keys out of the fused qkv and back: exact copies, every element written. */
    @ParameterizedTest(name = "rows={0} heads={1} headDim={2}")
    @CsvSource({"1, 1, 1", "7, 3, 5", "394, 3, 64"})
    default void qkHeads(int rows, int heads, int headDim) {
        Random random = random();
        int n = rows * heads * headDim;
        double[] qkv = roundToFloat(uniform(random, 3 * n, 2)), q = roundToFloat(uniform(random, n, 2)), k = roundToFloat(uniform(random, n, 2));
        double[][] split = TestDevices.outputs(device(), new Op.QkSplit(rows, heads, headDim), null, null, qkv);
        double[][] expected = Reference64.qkSplit(qkv, rows, heads, headDim);
        assertClose("qk split q " + random, expected[0], split[0], 0, 0);
        assertClose("qk split k " + random, expected[1], split[1], 0, 0);
        assertClose("qk merge " + random, Reference64.qkMerge(qkv, q, k, rows, heads, headDim),
                run(new Op.QkMerge(rows, heads, headDim), qkv, q, k), 0, 0);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 255, 65_537})
    default void add(int n) {
        Random random = random();
        double[] a = roundToFloat(uniform(random, n, 10)), b = roundToFloat(uniform(random, n, 10));
        assertClose("add " + random, Reference64.add(a, b), run(new Op.Add(n), a, b), 1e-7, 0);
    }

    @ParameterizedTest(name = "batch={0} channels={1} {2}x{3} patch={4} hidden={5}")
    @CsvSource({"1, 1, 1, 1, 1, 1", "2, 3, 6, 9, 3, 5", "1, 1, 28, 28, 7, 17", "1, 2, 35, 21, 7, 67", "1, 3, 4, 52, 4, 33",
            "2, 3, 32, 16, 16, 32"})
    default void patchEmbed(int batch, int channels, int height, int width, int patch, int hidden) {
        Random random = random();
        double[] image = roundToFloat(uniform(random, batch * channels * height * width, 1));
        double[] weight = roundToFloat(uniform(random, hidden * channels * patch * patch, 1));
        double[] bias = roundToFloat(uniform(random, hidden, 1));
        double[] actual = run(new Op.PatchEmbed(batch, channels, height, width, patch, hidden), image, weight, bias);
        double[] expected = Reference64.patchEmbed(image, weight, bias, batch, channels, height, width, patch, hidden);
        assertClose("patch embed " + random, expected, actual, 1e-5, 1e-6 * channels * patch * patch);
    }

    /**
     * Prefixes: the class token alone, DeiT's class and distillation tokens, a class token and registers without positions,
     * none (no class token: no pre tensor, a null buffer on devices).
     */
    @ParameterizedTest(name = "batch={0} prefix={1} patches={2} hidden={3} prefixPositions={4}")
    @CsvSource({"1, 1, 1, 1, true", "3, 1, 49, 17, true", "2, 1, 196, 67, true", "2, 1, 15, 32, true", "1, 1, 16, 15, true",
            "2, 2, 49, 17, true", "3, 5, 16, 15, false", "1, 3, 1, 5, false", "3, 0, 49, 17, true", "1, 0, 1, 5, false"})
    default void embedTokensAndClassToken(int batch, int prefix, int patches, int hidden, boolean prefixPositions) {
        Random random = random();
        int tokens = prefix + patches, from = prefixPositions ? 0 : prefix;
        double[] x = roundToFloat(uniform(random, batch * patches * hidden, 1));
        double[] pre = roundToFloat(uniform(random, prefix * hidden, 1));
        double[] pos = roundToFloat(uniform(random, (tokens - from) * hidden, 1));
        Op.EmbedTokens op = new Op.EmbedTokens(batch, prefix, patches, hidden, prefixPositions);
        double[] out = prefix > 0 ? run(op, x, pre, pos) : run(op, x, pos);
        double[] expected = Reference64.embedTokens(x, pre, pos, batch, prefix, patches, hidden, from);
        assertClose("embed tokens " + random, expected, out, 1e-7, 0);
        for (int token : prefix > 0 ? new int[] {0, prefix - 1} : new int[0])
            assertClose("token " + token + " " + random, Reference64.classToken(expected, batch, tokens, hidden, token),
                    run(new Op.ClassToken(batch, tokens, hidden, token), out), 1e-7, 0);
    }

    /** timm's AttentionPoolLatent's attention; a work-item per output, so widths around a work-group's 256 threads. */
    @ParameterizedTest(name = "batch={0} tokens={1} from={2} heads={3} d={4}")
    @CsvSource({"1, 1, 0, 1, 1", "2, 50, 1, 3, 17", "3, 197, 1, 4, 64", "1, 9, 5, 1, 257"})
    default void latentAttention(int batch, int tokens, int from, int heads, int d) {
        Random random = random();
        int width = heads * d;
        double[] q = roundToFloat(uniform(random, width, 1)), kv = roundToFloat(uniform(random, 2 * batch * tokens * width, 1));
        assertClose("latent attention " + random, Reference64.latentAttention(q, kv, batch, tokens, from, heads, d),
                run(new Op.LatentAttention(batch, tokens, from, heads, d), q, kv), 1e-4, 1e-5);
    }

    /** Pooling over tokens past the prefix; a work-item per channel, so widths around a work-group's 256 threads. */
    @ParameterizedTest(name = "batch={0} tokens={1} hidden={2} prefix={3} {4}")
    @CsvSource({"1, 1, 1, 0, AVG", "3, 50, 17, 1, AVG", "2, 197, 257, 1, MAX", "5, 7, 67, 5, AVGMAX", "2, 17, 255, 1, CLASS_AND_AVG"})
    default void tokenPool(int batch, int tokens, int hidden, int prefix, Op.Pooling pooling) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, batch * tokens * hidden, 2));
        assertClose("token pool " + pooling + " " + random, Reference64.tokenPool(x, batch, tokens, hidden, prefix, pooling),
                run(new Op.TokenPool(batch, tokens, hidden, prefix, pooling), x), 1e-5, 1e-6);
    }
}
