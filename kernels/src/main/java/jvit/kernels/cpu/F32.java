package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Float32 access to off-heap tensors, shared by the CPU kernels. Segments need not be aligned (memory-mapped weights are not). */
final class F32 {
    static final ValueLayout.OfFloat LAYOUT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private F32() {}

    static float get(MemorySegment s, long index) { return s.getAtIndex(LAYOUT, index); }

    static void set(MemorySegment s, long index, float v) { s.setAtIndex(LAYOUT, index, v); }

    static FloatVector load(MemorySegment s, long index) { return FloatVector.fromMemorySegment(S, s, index * 4, LE); }

    static void store(FloatVector v, MemorySegment s, long index) { v.intoMemorySegment(s, index * 4, LE); }

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
}
