package jvit.kernels.tornado;

import static jvit.kernels.Tensors.assertClose;
import static jvit.kernels.Tensors.roundToFloat;
import static jvit.kernels.Tensors.uniform;
import static jvit.kernels.tornado.TornadoTesting.devices;
import static jvit.kernels.tornado.TornadoTesting.random;
import static jvit.kernels.tornado.TornadoTesting.run;
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
 * What the device suite (runtime's {@code TornadoDeviceTest}, every forward operator against the
 * float64 references on the first TornadoVM device) does not reach, on every TornadoVM device: the
 * GPU matmul (64 × 64 × 16 local-memory tiles) on any device, add's kernels for each way its
 * arguments can share an array, and what {@link TornadoKernels#launch} refuses.
 */
class TornadoKernelsTest {

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

    /** GELU's other forms in the tiled matmul's epilogue (the GPU kernel; the shared suite runs the CPU one), past ±10 where they saturate. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"GELU_TANH", "QUICK_GELU"})
    void tiledMatmulGeluForms(Activation form) {
        Random random = random();
        double[] a = roundToFloat(uniform(random, 17 * 13, 4)), b = roundToFloat(uniform(random, 31 * 13, 1)), c = roundToFloat(uniform(random, 31, 1));
        var matmul = new Op.Matmul(1, 17, 31, 13, false, true, true, form);
        double[] product = Reference64.matmul(a, b, c, 1, 17, 31, 13, false, true, form);
        for (TornadoDevice device : devices())
            assertClose("tiled matmul " + form + " on " + device + ", " + random, product,
                    run(device, TornadoDeviceType.GPU, matmul, null, a, b, c)[0], 1e-5, 1e-5);
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
}
