package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.LE;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** {@code dst[d..d+n) = a[i..i+n) + b[j..j+n)}: the inner loop of kernels that add rows at offsets. */
final class AddRows {
    private AddRows() {}

    static void add(MemorySegment dst, long d, MemorySegment a, long i, MemorySegment b, long j, int n) {
        int k = 0;
        for (; k + L <= n; k += L) FloatVector.fromMemorySegment(S, a, 4L * (i + k), LE).add(FloatVector.fromMemorySegment(S, b, 4L * (j + k), LE)).intoMemorySegment(dst, 4L * (d + k), LE);
        for (; k < n; k++) F32.set(dst, d + k, F32.get(a, i + k) + F32.get(b, j + k));
    }
}
