package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.LE;
import static jvit.kernels.cpu.F32.S;
import static jvit.kernels.cpu.MatmulKernel.NR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Transposes a 16×16 block of B into a packed panel, in registers: four rounds of two-vector
 * permutes (each swaps the off-diagonal h×h blocks, h = 8, 4, 2, 1). Only for 16-float vectors.
 */
final class MatmulTranspose {
    static final int SIZE = 16;

    private static final FloatVector LO8 = indices(8, false), HI8 = indices(8, true), LO4 = indices(4, false),
            HI4 = indices(4, true), LO2 = indices(2, false), HI2 = indices(2, true), LO1 = indices(1, false),
            HI1 = indices(1, true);

    private MatmulTranspose() {}

    /**
     * For rows a, b that are h apart: lane x of the new a is a[x] where bit h of x is clear, else
     * b[x - h]; lane x of the new b is a[x + h] where clear, else b[x]. Index SIZE + i picks b[i].
     */
    private static FloatVector indices(int h, boolean high) {
        if (S.length() != SIZE) return null;
        float[] index = new float[SIZE];
        for (int x = 0; x < SIZE; x++)
            index[x] = (x & h) == 0 ? (high ? x + h : x) : (high ? SIZE + x : SIZE + x - h);
        return FloatVector.fromArray(S, index, 0);
    }

    /**
     * {@code packed[to + x·NR + i] = B[from + i·stride + x]} for i, x < 16; {@code from} and
     * {@code stride} in bytes.
     */
    static void transpose(MemorySegment b, long from, long stride, float[] packed, int to) {
        transpose(b, from, stride, packed, to, NR);
    }

    /** {@code out[to + x·outStride + i] = B[from + i·stride + x]} for i, x < 16; {@code from} and {@code stride} in bytes. */
    static void transpose(MemorySegment b, long from, long stride, float[] packed, int to, int outStride) {
        FloatVector r0 = FloatVector.fromMemorySegment(S, b, from, LE);
        FloatVector r1 = FloatVector.fromMemorySegment(S, b, from + 1 * stride, LE);
        FloatVector r2 = FloatVector.fromMemorySegment(S, b, from + 2 * stride, LE);
        FloatVector r3 = FloatVector.fromMemorySegment(S, b, from + 3 * stride, LE);
        FloatVector r4 = FloatVector.fromMemorySegment(S, b, from + 4 * stride, LE);
        FloatVector r5 = FloatVector.fromMemorySegment(S, b, from + 5 * stride, LE);
        FloatVector r6 = FloatVector.fromMemorySegment(S, b, from + 6 * stride, LE);
        FloatVector r7 = FloatVector.fromMemorySegment(S, b, from + 7 * stride, LE);
        FloatVector r8 = FloatVector.fromMemorySegment(S, b, from + 8 * stride, LE);
        FloatVector r9 = FloatVector.fromMemorySegment(S, b, from + 9 * stride, LE);
        FloatVector ra = FloatVector.fromMemorySegment(S, b, from + 10 * stride, LE);
        FloatVector rb = FloatVector.fromMemorySegment(S, b, from + 11 * stride, LE);
        FloatVector rc = FloatVector.fromMemorySegment(S, b, from + 12 * stride, LE);
        FloatVector rd = FloatVector.fromMemorySegment(S, b, from + 13 * stride, LE);
        FloatVector re = FloatVector.fromMemorySegment(S, b, from + 14 * stride, LE);
        FloatVector rf = FloatVector.fromMemorySegment(S, b, from + 15 * stride, LE);
        FloatVector s00 = LO8.selectFrom(r0, r8), s08 = HI8.selectFrom(r0, r8);
        FloatVector s01 = LO8.selectFrom(r1, r9), s09 = HI8.selectFrom(r1, r9);
        FloatVector s02 = LO8.selectFrom(r2, ra), s0a = HI8.selectFrom(r2, ra);
        FloatVector s03 = LO8.selectFrom(r3, rb), s0b = HI8.selectFrom(r3, rb);
        FloatVector s04 = LO8.selectFrom(r4, rc), s0c = HI8.selectFrom(r4, rc);
        FloatVector s05 = LO8.selectFrom(r5, rd), s0d = HI8.selectFrom(r5, rd);
        FloatVector s06 = LO8.selectFrom(r6, re), s0e = HI8.selectFrom(r6, re);
        FloatVector s07 = LO8.selectFrom(r7, rf), s0f = HI8.selectFrom(r7, rf);
        FloatVector s10 = LO4.selectFrom(s00, s04), s14 = HI4.selectFrom(s00, s04);
        FloatVector s11 = LO4.selectFrom(s01, s05), s15 = HI4.selectFrom(s01, s05);
        FloatVector s12 = LO4.selectFrom(s02, s06), s16 = HI4.selectFrom(s02, s06);
        FloatVector s13 = LO4.selectFrom(s03, s07), s17 = HI4.selectFrom(s03, s07);
        FloatVector s18 = LO4.selectFrom(s08, s0c), s1c = HI4.selectFrom(s08, s0c);
        FloatVector s19 = LO4.selectFrom(s09, s0d), s1d = HI4.selectFrom(s09, s0d);
        FloatVector s1a = LO4.selectFrom(s0a, s0e), s1e = HI4.selectFrom(s0a, s0e);
        FloatVector s1b = LO4.selectFrom(s0b, s0f), s1f = HI4.selectFrom(s0b, s0f);
        FloatVector s20 = LO2.selectFrom(s10, s12), s22 = HI2.selectFrom(s10, s12);
        FloatVector s21 = LO2.selectFrom(s11, s13), s23 = HI2.selectFrom(s11, s13);
        FloatVector s24 = LO2.selectFrom(s14, s16), s26 = HI2.selectFrom(s14, s16);
        FloatVector s25 = LO2.selectFrom(s15, s17), s27 = HI2.selectFrom(s15, s17);
        FloatVector s28 = LO2.selectFrom(s18, s1a), s2a = HI2.selectFrom(s18, s1a);
        FloatVector s29 = LO2.selectFrom(s19, s1b), s2b = HI2.selectFrom(s19, s1b);
        FloatVector s2c = LO2.selectFrom(s1c, s1e), s2e = HI2.selectFrom(s1c, s1e);
        FloatVector s2d = LO2.selectFrom(s1d, s1f), s2f = HI2.selectFrom(s1d, s1f);
        FloatVector s30 = LO1.selectFrom(s20, s21), s31 = HI1.selectFrom(s20, s21);
        FloatVector s32 = LO1.selectFrom(s22, s23), s33 = HI1.selectFrom(s22, s23);
        FloatVector s34 = LO1.selectFrom(s24, s25), s35 = HI1.selectFrom(s24, s25);
        FloatVector s36 = LO1.selectFrom(s26, s27), s37 = HI1.selectFrom(s26, s27);
        FloatVector s38 = LO1.selectFrom(s28, s29), s39 = HI1.selectFrom(s28, s29);
        FloatVector s3a = LO1.selectFrom(s2a, s2b), s3b = HI1.selectFrom(s2a, s2b);
        FloatVector s3c = LO1.selectFrom(s2c, s2d), s3d = HI1.selectFrom(s2c, s2d);
        FloatVector s3e = LO1.selectFrom(s2e, s2f), s3f = HI1.selectFrom(s2e, s2f);
        s30.intoArray(packed, to + 0 * outStride);
        s31.intoArray(packed, to + 1 * outStride);
        s32.intoArray(packed, to + 2 * outStride);
        s33.intoArray(packed, to + 3 * outStride);
        s34.intoArray(packed, to + 4 * outStride);
        s35.intoArray(packed, to + 5 * outStride);
        s36.intoArray(packed, to + 6 * outStride);
        s37.intoArray(packed, to + 7 * outStride);
        s38.intoArray(packed, to + 8 * outStride);
        s39.intoArray(packed, to + 9 * outStride);
        s3a.intoArray(packed, to + 10 * outStride);
        s3b.intoArray(packed, to + 11 * outStride);
        s3c.intoArray(packed, to + 12 * outStride);
        s3d.intoArray(packed, to + 13 * outStride);
        s3e.intoArray(packed, to + 14 * outStride);
        s3f.intoArray(packed, to + 15 * outStride);
    }
}
