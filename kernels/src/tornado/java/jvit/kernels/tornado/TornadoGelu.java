package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * GELU in its erf form and its derivative, as {@code jvit.kernels.cpu.Gelu} and gelu.cl, gelu_backward.cl.
 * TornadoMath has no erf: it is Abramowitz–Stegun 7.1.26 (|error| ≤ 1.5e-7), as in the Java
 * kernel and the CPU OpenCL kernels. One work-item per element.
 */
public final class TornadoGelu {
    private TornadoGelu() {}

    /** {@code out[i] = gelu(x[i])}. */
    public static void forward(KernelContext context, FloatArray out, FloatArray x, int n) {
        int i = context.globalIdx;
        if (i < n) out.set(i, gelu(x.get(i)));
    }

    /** {@code x[i] = gelu(x[i])}: out = x, which TornadoVM cannot take as two arguments of one task. */
    public static void forwardInPlace(KernelContext context, FloatArray x, int n) {
        int i = context.globalIdx;
        if (i < n) x.set(i, gelu(x.get(i)));
    }

    /** {@code dx[i] = dy[i]·gelu'(x[i])}. */
    public static void backward(KernelContext context, FloatArray dx, FloatArray dy, FloatArray x, int n) {
        int i = context.globalIdx;
        if (i < n) dx.set(i, dy.get(i) * derivative(x.get(i)));
    }

    /** {@code dy[i] *= gelu'(x[i])}: dx = dy. */
    public static void backwardInPlace(KernelContext context, FloatArray dy, FloatArray x, int n) {
        int i = context.globalIdx;
        if (i < n) dy.set(i, dy.get(i) * derivative(x.get(i)));
    }

    static float gelu(float x) {
        return 0.5f * x * (1.0f + erf(x * 0.70710678118654752f));
    }

    /** {@code Φ(x) + x·φ(x)}. */
    static float derivative(float x) {
        return 0.5f * (1.0f + erf(x * 0.70710678118654752f)) + x * 0.39894228040143268f * TornadoMath.exp(-0.5f * x * x);
    }

    static float erf(float z) {
        float a = TornadoMath.abs(z);
        float t = 1.0f / (1.0f + 0.3275911f * a);
        float poly = ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t;
        float y = 1.0f - poly * TornadoMath.exp(-a * a);
        return z < 0.0f ? -y : y;
    }
}
