package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * GELU in its forms and their derivatives, as {@code jvit.kernels.cpu.Gelu} and gelu.cl, gelu_backward.cl:
 * the erf form, the tanh approximation and quick GELU, picked by {@code Op.Activation.code()}'s number.
 * TornadoMath has no erf: it is Abramowitz–Stegun 7.1.26 (|error| ≤ 1.5e-7), as in the Java
 * kernel and the CPU OpenCL kernels; the tanh form is {@code x·σ(2u)}, as there (see gelu.h). One work-item per element.
 */
public final class TornadoGelu {
    /** {@code Op.Activation}'s numbers. */
    static final int GELU = 1, GELU_TANH = 2, QUICK_GELU = 3;
    private static final float TANH_SCALE = 0.79788456080286536f, TANH_CUBIC = 0.044715f, QUICK_SCALE = 1.702f;

    private TornadoGelu() {}

    /** {@code out[i] = gelu(x[i])}. */
    public static void forward(KernelContext context, FloatArray out, FloatArray x, int form, int n) {
        int i = context.globalIdx;
        if (i < n) out.set(i, activate(x.get(i), form));
    }

    /** {@code x[i] = gelu(x[i])}: out = x, which TornadoVM cannot take as two arguments of one task. */
    public static void forwardInPlace(KernelContext context, FloatArray x, int form, int n) {
        int i = context.globalIdx;
        if (i < n) x.set(i, activate(x.get(i), form));
    }

    /** {@code dx[i] = dy[i]·gelu'(x[i])}. */
    public static void backward(KernelContext context, FloatArray dx, FloatArray dy, FloatArray x, int form, int n) {
        int i = context.globalIdx;
        if (i < n) dx.set(i, dy.get(i) * derivative(x.get(i), form));
    }

    /** {@code dy[i] *= gelu'(x[i])}: dx = dy. */
    public static void backwardInPlace(KernelContext context, FloatArray dy, FloatArray x, int form, int n) {
        int i = context.globalIdx;
        if (i < n) dy.set(i, dy.get(i) * derivative(x.get(i), form));
    }

    /** The activation numbered {@code act} of x; 0 (none) leaves it. */
    static float activate(float x, int act) {
        if (act == GELU) return gelu(x);
        if (act == GELU_TANH) return x * sigmoid(2.0f * TANH_SCALE * (x + TANH_CUBIC * x * x * x));
        if (act == QUICK_GELU) return x * sigmoid(QUICK_SCALE * x);
        return x;
    }

    /** The derivative of the GELU form numbered {@code act} at x. */
    static float derivative(float x, int act) {
        if (act == GELU_TANH) {
            float s = sigmoid(2.0f * TANH_SCALE * (x + TANH_CUBIC * x * x * x));
            return s + 2.0f * x * s * (1.0f - s) * TANH_SCALE * (1.0f + 3.0f * TANH_CUBIC * x * x);
        }
        if (act == QUICK_GELU) {
            float s = sigmoid(QUICK_SCALE * x);
            return s + QUICK_SCALE * x * s * (1.0f - s);
        }
        return derivative(x);
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

    /** {@code 1/(1 + e^{-z})}, z clamped where e^{-z} would overflow (σ is 0 to float32 there, within 2e-35). */
    static float sigmoid(float z) {
        float v = TornadoMath.max(z, -80.0f);
        return 1.0f / (1.0f + TornadoMath.exp(-v));
    }
}
