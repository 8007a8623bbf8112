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

import java.util.Random;
import jvit.kernels.FiniteDifferences;
import jvit.kernels.Op;
import jvit.kernels.Reference64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * What the device suite (runtime's {@code TornadoDeviceTest}, every training operator against the
 * Java kernels) does not reach, on every TornadoVM device: the in-place kernels TornadoVM needs
 * (it cannot take one array as two arguments), and LayerNorm's and attention's backward passes
 * against finite differences directly, with NaN-poisoned outputs at awkward sizes.
 */
class TornadoTrainingKernelsTest {

    /** LayerScale with out = x, as the forward graph runs it. */
    @ParameterizedTest(name = "rows={0} dim={1}")
    @CsvSource({"1, 1", "130, 17", "33, 1031"})
    void layerScaleInPlace(int rows, int dim) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, rows * dim, 2)), gamma = roundToFloat(uniform(random, dim, 1));
        double[] expected = onJava(new Op.LayerScale(rows, dim), null, x, gamma)[0];
        for (TornadoDevice device : devices())
            assertClose("layer scale in place on " + device + ", " + random, expected,
                    runShared(device, new Op.LayerScale(rows, dim), new int[] {0, 0, 1}, x, gamma), 1e-6, 1e-7);
    }

    /** GELU's backward with dx = dy, as the training step runs it. */
    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 17, 100_003})
    void geluBackwardInPlace(int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 5)), dy = roundToFloat(uniform(random, n, 1));
        double[] expected = onJava(new Op.GeluBackward(n), null, dy, x)[0];
        for (TornadoDevice device : devices())
            assertClose("gelu backward in place on " + device + ", " + random, expected,
                    runShared(device, new Op.GeluBackward(n), new int[] {0, 0, 1}, dy, x), 1e-5, 1e-6);
    }

    /** GELU's other forms' backward with dx = dy. */
    @ParameterizedTest(name = "{0} n={1}")
    @CsvSource({"GELU_TANH, 17", "QUICK_GELU, 100003"})
    void geluFormsBackwardInPlace(Op.Activation form, int n) {
        Random random = random();
        double[] x = roundToFloat(uniform(random, n, 12)), dy = roundToFloat(uniform(random, n, 1));
        double[] expected = onJava(new Op.GeluBackward(n, form), null, dy, x)[0];
        for (TornadoDevice device : devices())
            assertClose(form + " backward in place on " + device + ", " + random, expected,
                    runShared(device, new Op.GeluBackward(n, form), new int[] {0, 0, 1}, dy, x), 1e-4, 1e-6);
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
}
