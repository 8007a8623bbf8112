package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.LE;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

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
            for (; i + L <= end; i += L) FloatVector.fromMemorySegment(S, a, 4L * i, LE).add(FloatVector.fromMemorySegment(S, b, 4L * i, LE)).intoMemorySegment(out, 4L * i, LE);
            for (; i < end; i++) F32.set(out, i, F32.get(a, i) + F32.get(b, i));
        });
    }
}
