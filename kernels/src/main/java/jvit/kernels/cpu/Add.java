package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;

import java.lang.foreign.MemorySegment;

/** Elementwise addition, for residual connections. */
public final class Add {
    /** Elements per task: below a few of these, waking the other cores costs more than it saves. */
    private static final int BLOCK = 32768;

    private Add() {}

    /** {@code out[i] = a[i] + b[i]} for {@code i < n}; {@code out} may be {@code a} or {@code b}. */
    public static void forward(MemorySegment out, MemorySegment a, MemorySegment b, long n) {
        int blocks = (int) ((n + BLOCK - 1) / BLOCK);
        Parallel.forRange(blocks, (from, to) -> {
            long i = from * (long) BLOCK, end = Math.min(n, to * (long) BLOCK);
            for (; i + L <= end; i += L) F32.store(F32.load(a, i).add(F32.load(b, i)), out, i);
            for (; i < end; i++) F32.set(out, i, F32.get(a, i) + F32.get(b, i));
        });
    }
}
