package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jvit.kernels.Op.Activation;

/**
 * GELU in its erf form, {@code x·½(1 + erf(x/√2))}, as in Hugging Face's {@code "gelu"} and
 * PyTorch's default. erf is Abramowitz–Stegun 7.1.26 (|error| ≤ 1.5e-7), which is exact to float32
 * where GELU's value is not vanishingly small. Also its two other forms ({@link Activation}):
 * the tanh approximation {@code ½x(1 + tanh(u))}, {@code u = √(2/π)(x + 0.044715x³)}, and quick GELU
 * {@code x·σ(1.702x)}. The tanh form is computed as {@code x·σ(2u)}, the same function, so that its
 * derivative {@code s + 2x·s(1 - s)·u'} ({@code s = σ(2u)}) is exactly 0 and 1 where it saturates.
 */
public final class Gelu {
    /** Elements per task: below a few of these, waking the other cores costs more than it saves. */
    private static final int BLOCK = 16384;

    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float P = 0.3275911f;
    private static final float A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;

    private Gelu() {}

    /** {@code out[i] = gelu(x[i])} for {@code i < n}, erf form; {@code out} may be {@code x}. */
    public static void forward(MemorySegment out, MemorySegment x, long n) {
        forward(out, x, n, Activation.GELU);
    }

    /** {@code out[i] = gelu(x[i])} in the given form; {@code out} may be {@code x}. */
    public static void forward(MemorySegment out, MemorySegment x, long n, Activation form) {
        int blocks = (int) ((n + BLOCK - 1) / BLOCK);
        Parallel.forRange(blocks, (from, to) -> {
            long start = from * (long) BLOCK, end = Math.min(n, to * (long) BLOCK);
            apply(out, start, x, start, end - start, form);
        });
    }

    /**
     * {@code out[to + i] = form(x[from + i])} for {@code i < n}; {@code out} may be {@code x}. A loop
     * per form, each a method of its own: a vector chosen by a switch is boxed on the heap at every
     * element, 10-50× slower. The vector helpers the loops call are {@code …Lanes} methods, which
     * jvit's JVM flags have C2 inline (see {@link F32}): in a failing test run, {@code tanhForm} had
     * been compiled early without profiling, and C2, inlining it into this switch, judged its exp
     * call cold and left it a call. A form's loop is entered only with a whole vector to do, so that
     * narrow calls (a matmul's last tile) do not dilute its profile either.
     */
    static void apply(MemorySegment out, long to, MemorySegment x, long from, long n, Activation form) {
        long i = n < L && form != Activation.NONE ? 0 : switch (form) {
            case NONE -> {
                if (out != x || to != from) F32.copy(x, from, out, to, n);
                yield n;
            }
            case GELU -> erfForm(out, to, x, from, n);
            case GELU_TANH -> tanhForm(out, to, x, from, n);
            case QUICK_GELU -> quickForm(out, to, x, from, n);
        };
        for (; i < n; i++) F32.set(out, to + i, apply(F32.get(x, from + i), form));
    }

    /** The whole vectors of {@link #apply(MemorySegment, long, MemorySegment, long, long, Activation)} in erf form; returns where they end. */
    private static long erfForm(MemorySegment out, long to, MemorySegment x, long from, long n) {
        long i = 0;
        for (; i + L <= n; i += L) geluLanes(FloatVector.fromMemorySegment(S, x, (from + i) * 4, F32.LE)).intoMemorySegment(out, (to + i) * 4, F32.LE);
        return i;
    }

    private static long tanhForm(MemorySegment out, long to, MemorySegment x, long from, long n) {
        long i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (from + i) * 4, F32.LE);
            FloatVector u2 = v.mul(v).mul(TANH_CUBIC).mul(v).add(v).mul(2 * TANH_SCALE);
            v.mul(FloatVector.broadcast(S, 1f).div(F32.expLanes(u2.neg()).add(1f))).intoMemorySegment(out, (to + i) * 4, F32.LE);
        }
        return i;
    }

    private static long quickForm(MemorySegment out, long to, MemorySegment x, long from, long n) {
        long i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (from + i) * 4, F32.LE);
            v.mul(FloatVector.broadcast(S, 1f).div(F32.expLanes(v.mul(QUICK_SCALE).neg()).add(1f))).intoMemorySegment(out, (to + i) * 4, F32.LE);
        }
        return i;
    }

    /** {@code dx[i] = dy[i]·gelu'(x[i])}, erf form, {@code gelu'(x) = Φ(x) + x·φ(x)}; {@code dx} may be {@code dy}. */
    public static void backward(MemorySegment dx, MemorySegment dy, MemorySegment x, long n) {
        backward(dx, dy, x, n, Activation.GELU);
    }

    /** {@code dx[i] = dy[i]·gelu'(x[i])} in the given form; {@code dx} may be {@code dy}. */
    public static void backward(MemorySegment dx, MemorySegment dy, MemorySegment x, long n, Activation form) {
        int blocks = (int) ((n + BLOCK - 1) / BLOCK);
        Parallel.forRange(blocks, (from, to) -> {
            long start = from * (long) BLOCK, end = Math.min(n, to * (long) BLOCK);
            long i = switch (form) {
                case NONE -> {
                    if (dx != dy) F32.copy(dy, start, dx, start, end - start);
                    yield end;
                }
                case GELU -> erfSlope(dx, dy, x, start, end);
                case GELU_TANH -> tanhSlope(dx, dy, x, start, end);
                case QUICK_GELU -> quickSlope(dx, dy, x, start, end);
            };
            for (; i < end; i++) F32.set(dx, i, derivative(F32.get(x, i), form) * F32.get(dy, i));
        });
    }

    /** The whole vectors of {@link #backward} in erf form, from {@code i} up to {@code end}; returns where they end. A method per form, as for {@link #apply(MemorySegment, long, MemorySegment, long, long, Activation)}. */
    private static long erfSlope(MemorySegment dx, MemorySegment dy, MemorySegment x, long i, long end) {
        for (; i + L <= end; i += L) geluSlopeLanes(FloatVector.fromMemorySegment(S, x, i * 4, F32.LE)).mul(FloatVector.fromMemorySegment(S, dy, i * 4, F32.LE)).intoMemorySegment(dx, i * 4, F32.LE);
        return i;
    }

    private static long tanhSlope(MemorySegment dx, MemorySegment dy, MemorySegment x, long i, long end) {
        for (; i + L <= end; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, i * 4, F32.LE), v2 = v.mul(v);
            FloatVector s = FloatVector.broadcast(S, 1f).div(F32.expLanes(v2.mul(TANH_CUBIC).mul(v).add(v).mul(2 * TANH_SCALE).neg()).add(1f));
            FloatVector slope = v2.mul(3 * TANH_CUBIC).add(1f).mul(2 * TANH_SCALE);
            v.mul(slope).mul(s.neg().add(1f)).mul(s).add(s).mul(FloatVector.fromMemorySegment(S, dy, i * 4, F32.LE))
                    .intoMemorySegment(dx, i * 4, F32.LE);
        }
        return i;
    }

    private static long quickSlope(MemorySegment dx, MemorySegment dy, MemorySegment x, long i, long end) {
        for (; i + L <= end; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, i * 4, F32.LE);
            FloatVector s = FloatVector.broadcast(S, 1f).div(F32.expLanes(v.mul(QUICK_SCALE).neg()).add(1f));
            v.mul(QUICK_SCALE).mul(s.neg().add(1f)).mul(s).add(s).mul(FloatVector.fromMemorySegment(S, dy, i * 4, F32.LE))
                    .intoMemorySegment(dx, i * 4, F32.LE);
        }
        return i;
    }

    /** The activation {@code form} of {@code x}; {@link Activation#NONE} leaves it as it is. */
    public static float apply(float x, Activation form) {
        return switch (form) {
            case NONE -> x;
            case GELU -> apply(x);
            case GELU_TANH -> x * sigmoid(2 * TANH_SCALE * (x + TANH_CUBIC * x * x * x));
            case QUICK_GELU -> x * sigmoid(QUICK_SCALE * x);
        };
    }

    /**
     * The derivative of {@code form} at {@code x}: tanh form {@code s + 2x·s(1 - s)·√(2/π)(1 + 3·0.044715x²)}
     * with {@code s = σ(2u)}; quick GELU {@code s + 1.702x·s(1 - s)} with {@code s = σ(1.702x)}.
     */
    static float derivative(float x, Activation form) {
        return switch (form) {
            case NONE -> 1;
            case GELU -> derivative(x);
            case GELU_TANH -> {
                float s = sigmoid(2 * TANH_SCALE * (x + TANH_CUBIC * x * x * x));
                yield s + 2 * x * s * (1 - s) * TANH_SCALE * (1 + 3 * TANH_CUBIC * x * x);
            }
            case QUICK_GELU -> {
                float s = sigmoid(QUICK_SCALE * x);
                yield s + QUICK_SCALE * x * s * (1 - s);
            }
        };
    }

    private static final float TANH_SCALE = (float) Math.sqrt(2 / Math.PI), TANH_CUBIC = 0.044715f, QUICK_SCALE = 1.702f;

    static float sigmoid(float z) {
        return 1 / (1 + F32.exp(-z));
    }

    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    static float derivative(float x) {
        return 0.5f * (1 + erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * F32.exp(-0.5f * x * x);
    }

    /** One exp serves both terms: erf's {@code e^{-z²}}, {@code z = x/√2}, is {@code √(2π)·φ(x)}. Written out rather than calling erf: C2 stops inlining a helper it has compiled on its own, and the call then boxes the vectors. */
    static FloatVector geluSlopeLanes(FloatVector x) {
        FloatVector a = x.mul(INV_SQRT2).abs();
        FloatVector e = F32.expLanes(a.mul(a).neg());
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

    static FloatVector geluLanes(FloatVector x) {
        return x.mul(0.5f).mul(erfLanes(x.mul(INV_SQRT2)).add(1f));
    }

    /** erf(z), Abramowitz–Stegun 7.1.26. */
    public static float erf(float z) {
        float a = Math.abs(z);
        float t = 1 / (1 + P * a);
        float poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        float y = 1 - poly * F32.exp(-a * a);
        return Math.copySign(y, z);
    }

    static FloatVector erfLanes(FloatVector z) {
        FloatVector a = z.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(a.fma(P, 1f));
        FloatVector poly = t.fma(A5, A4).fma(t, FloatVector.broadcast(S, A3)).fma(t, FloatVector.broadcast(S, A2))
                .fma(t, FloatVector.broadcast(S, A1)).mul(t);
        FloatVector y = poly.mul(F32.expLanes(a.mul(a).neg())).neg().add(1f);
        return y.lanewise(VectorOperators.NEG, z.lt(0f));
    }
}
