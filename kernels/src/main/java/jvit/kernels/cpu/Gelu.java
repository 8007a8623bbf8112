package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GELU in its erf form, {@code x·½(1 + erf(x/√2))}, as in Hugging Face's {@code "gelu"} and
 * PyTorch's default. erf is Abramowitz–Stegun 7.1.26 (|error| ≤ 1.5e-7), which is exact to float32
 * where GELU's value is not vanishingly small.
 */
public final class Gelu {
    /** Elements per task: below a few of these, waking the other cores costs more than it saves. */
    private static final int BLOCK = 16384;

    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float P = 0.3275911f;
    private static final float A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;

    private Gelu() {}

    /** {@code out[i] = gelu(x[i])} for {@code i < n}; {@code out} may be {@code x}. */
    public static void forward(MemorySegment out, MemorySegment x, long n) {
        int blocks = (int) ((n + BLOCK - 1) / BLOCK);
        Parallel.forRange(blocks, (from, to) -> {
            long start = from * (long) BLOCK, end = Math.min(n, to * (long) BLOCK);
            long i = start;
            for (; i + L <= end; i += L) F32.store(apply(F32.load(x, i)), out, i);
            for (; i < end; i++) F32.set(out, i, apply(F32.get(x, i)));
        });
    }

    /** {@code dx[i] = dy[i]·gelu'(x[i])}, {@code gelu'(x) = Φ(x) + x·φ(x)}; {@code dx} may be {@code dy}. */
    public static void backward(MemorySegment dx, MemorySegment dy, MemorySegment x, long n) {
        int blocks = (int) ((n + BLOCK - 1) / BLOCK);
        Parallel.forRange(blocks, (from, to) -> {
            long start = from * (long) BLOCK, end = Math.min(n, to * (long) BLOCK);
            long i = start;
            for (; i + L <= end; i += L) F32.store(derivative(F32.load(x, i)).mul(F32.load(dy, i)), dx, i);
            for (; i < end; i++) F32.set(dx, i, derivative(F32.get(x, i)) * F32.get(dy, i));
        });
    }

    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    static float derivative(float x) {
        return 0.5f * (1 + erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * F32.exp(-0.5f * x * x);
    }

    /** One exp serves both terms: erf's {@code e^{-z²}}, {@code z = x/√2}, is {@code √(2π)·φ(x)}. Written out rather than calling erf: C2 stops inlining a helper it has compiled on its own, and the call then boxes the vectors. */
    static FloatVector derivative(FloatVector x) {
        FloatVector a = x.mul(INV_SQRT2).abs();
        FloatVector e = F32.exp(a.mul(a).neg());
        FloatVector t = FloatVector.broadcast(S, 1f).div(a.fma(P, 1f));
        FloatVector poly = t.fma(A5, A4).fma(t, FloatVector.broadcast(S, A3)).fma(t, FloatVector.broadcast(S, A2))
                .fma(t, FloatVector.broadcast(S, A1)).mul(t);
        FloatVector erf = poly.mul(e).neg().add(1f).lanewise(VectorOperators.NEG, x.lt(0f));
        FloatVector cdf = erf.add(1f).mul(0.5f);
        return x.fma(e.mul(INV_SQRT_2PI), cdf);
    }

    public static float apply(float x) {
        return 0.5f * x * (1 + erf(x * INV_SQRT2));
    }

    static FloatVector apply(FloatVector x) {
        return x.mul(0.5f).mul(erf(x.mul(INV_SQRT2)).add(1f));
    }

    /** erf(z), Abramowitz–Stegun 7.1.26. */
    public static float erf(float z) {
        float a = Math.abs(z);
        float t = 1 / (1 + P * a);
        float poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        float y = 1 - poly * F32.exp(-a * a);
        return Math.copySign(y, z);
    }

    static FloatVector erf(FloatVector z) {
        FloatVector a = z.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(a.fma(P, 1f));
        FloatVector poly = t.fma(A5, A4).fma(t, FloatVector.broadcast(S, A3)).fma(t, FloatVector.broadcast(S, A2))
                .fma(t, FloatVector.broadcast(S, A1)).mul(t);
        FloatVector y = poly.mul(F32.exp(a.mul(a).neg())).neg().add(1f);
        return y.lanewise(VectorOperators.NEG, z.lt(0f));
    }
}
