package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;

import java.lang.foreign.MemorySegment;

/** {@code dst[d..d+n) = a[i..i+n) + b[j..j+n)}: the inner loop of kernels that add rows at offsets. */
final class AddRows {
    private AddRows() {}

    static void add(MemorySegment dst, long d, MemorySegment a, long i, MemorySegment b, long j, int n) {
        int k = 0;
        for (; k + L <= n; k += L) F32.store(F32.load(a, i + k).add(F32.load(b, j + k)), dst, d + k);
        for (; k < n; k++) F32.set(dst, d + k, F32.get(a, i + k) + F32.get(b, j + k));
    }
}
