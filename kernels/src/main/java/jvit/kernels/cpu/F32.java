package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 access to off-heap tensors, shared by the CPU kernels (segments need not be aligned:
 * memory-mapped weights are not; vectors are loaded and stored with the Vector API's own calls in
 * each kernel, which C2 always inlines, never through a helper here, which it may leave a call and
 * then box every vector), and the two reductions whose results must not depend on how
 * the JIT compiled them: a lane sum in a fixed order and an exp from basic arithmetic.
 * {@code reduceLanes(ADD)} and {@code lanewise(EXP)} give different roundings compiled (a tree,
 * SVML) and interpreted, which would make training runs, and so resumed runs, irreproducible.
 *
 * <p>A method that takes or returns a vector is named {@code …Lanes}, here and in every kernel:
 * where C2 leaves such a method a call, each vector crossing it is boxed on the heap, 10-50× slower.
 * C2 inlines by profile, and a profile can say "cold" at any time (a loop compiled early without
 * profiling, then inlined into a caller that dispatches among several loops), so jvit's JVMs pass
 * {@code -XX:CompileCommand=inline,jvit.kernels.cpu.*::*Lanes}, which inlines them whatever the
 * profile says (README, "JVM flags").
 *
 * <p>A loop's running vector is the argument of the operation that updates it, never its receiver:
 * {@code v.add(sum)}, not {@code sum.add(v)}. The running vector is a loop phi whose exact class C2
 * may not know when it inlines, and as a receiver it made softmax's {@code max} a virtual call that
 * boxed every vector (SteadyAllocationTest.softmax failed about one run of the kernels suite in six).
 * Stored after its loop, it goes through a fresh vector, {@code zero.add(c).intoArray(...)} with zero
 * being -0 (MatmulKernel): as the store's receiver it left the intrinsic uninlined in some compiles.
 */
final class F32 {
    static final ValueLayout.OfFloat LAYOUT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private F32() {}

    static float get(MemorySegment s, long index) { return s.getAtIndex(LAYOUT, index); }

    static void set(MemorySegment s, long index, float v) { s.setAtIndex(LAYOUT, index, v); }

    /** Copies {@code n} floats from {@code src[from..]} into {@code dst[to..]}. */
    static void copy(MemorySegment src, long from, MemorySegment dst, long to, long n) {
        MemorySegment.copy(src, from * 4, dst, to * 4, n * 4);
    }

    /** Copies {@code n} floats from {@code src[from..]} into a heap array. */
    static void copy(MemorySegment src, long from, float[] dst, int to, int n) {
        MemorySegment.copy(src, LAYOUT, from * 4, dst, to, n);
    }

    /** Copies {@code n} floats from a heap array into {@code dst[to..]}. */
    static void copy(float[] src, int from, MemorySegment dst, long to, int n) {
        MemorySegment.copy(src, from, dst, LAYOUT, to * 4, n);
    }

    /**
     * The sum of the lanes, whatever the JIT did: a fixed tree, lane i plus lane i + L/2, then i + L/4,
     * and so on (each step one shuffle and one add, where a lane-by-lane sum is a chain of L adds).
     */
    static float sumLanes(FloatVector v) {
        if (L >= 16) v = v.add(v.rearrange(DOWN_8));
        if (L >= 8) v = v.add(v.rearrange(DOWN_4));
        if (L >= 4) v = v.add(v.rearrange(DOWN_2));
        if (L >= 2) v = v.add(v.rearrange(DOWN_1));
        return v.lane(0);
    }

    private static final VectorShuffle<Float> DOWN_8 = down(8), DOWN_4 = down(4), DOWN_2 = down(2), DOWN_1 = down(1);

    /** Lane i takes lane i + by (wrapping; only lane 0 of the last step is read). */
    private static VectorShuffle<Float> down(int by) {
        return VectorShuffle.fromOp(S, i -> (i + by) % L);
    }

    // Cephes' expf polynomial: exp(x) = 2^k · exp(r), r = x - k·ln2 split in two parts, exp(r) by degree 6 (~1 ulp).
    // k = round(x·log2 e) is read from the low mantissa bits of x·log2 e + 1.5·2^23, and 2^k is those bits
    // shifted into the exponent: Java's float-to-int conversions are multi-instruction sequences in vectors.
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 0x1.8p23f;
    private static final float EXP_MAX = 88f, EXP_MIN = -87.3365447505531f;
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f,
            P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /** e^x lane by lane, the same bits as {@link #exp(float)}; below -87.3 it is the smallest normal float, not 0, and above 88 e^88. */
    static FloatVector expLanes(FloatVector x) {
        x = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector t = x.mul(LOG2E).add(ROUND);
        FloatVector k = t.sub(ROUND);
        FloatVector r = x.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
        FloatVector z = r.mul(r);
        FloatVector p = r.mul(P0).add(P1).mul(r).add(P2).mul(r).add(P3).mul(r).add(P4).mul(r).add(P5).mul(z).add(r).add(1f);
        IntVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(127 << 23);
        return p.mul(scale.reinterpretAsFloats());
    }

    /** e^x, the same algorithm and bits as {@link #expLanes(FloatVector)}. */
    static float exp(float x) {
        x = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
        float t = x * LOG2E + ROUND;
        float k = t - ROUND;
        float r = x - k * LN2_HI - k * LN2_LO;
        float z = r * r;
        float p = (((((r * P0 + P1) * r + P2) * r + P3) * r + P4) * r + P5) * z + r + 1;
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) << 23) + (127 << 23));
    }
}
