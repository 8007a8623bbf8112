package jvit.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import jvit.kernels.Op.Activation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Once compiled, the hot kernels allocate almost nothing: a vector that C2 cannot keep in registers
 * (one merged from two branches, or passed to a method it did not inline) is boxed on the heap at
 * every element, which made ViT-B/16's forward allocate over 1 GB/s and run GELU 10-50× slower, with
 * every result still right. The kernels run until the JIT has compiled them (or a time limit), then
 * the heap allocated per call, by every thread, is held to a bound far below one box per vector.
 * It runs with jvit's JVM flags (the root pom's {@code jvit.jvmFlags}), as {@code bin/vit} does:
 * without the one that inlines the {@code …Lanes} helpers, GELU_TANH failed here in about one run
 * of the whole kernels suite in five (see {@link Gelu}).
 */
class SteadyAllocationTest {
    /** Bytes a call may allocate: scratch tiles and task objects, not boxes (tens of bytes each, per vector). */
    private static final long BOUND = 32 * 1024;
    private static final long LIMIT_NANOS = 60_000_000_000L;

    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @EnumSource(Activation.class)
    void matmulWithActivation(Activation form) {
        try (Arena arena = Arena.ofShared()) {
            int m = 37, n = 96, k = 64;
            MemorySegment a = filled(arena, m * k), b = filled(arena, n * k).asReadOnly(), bias = filled(arena, n), c = arena.allocate(4L * m * n);
            assertSteady("matmul " + form, () -> Matmul.forward(c, a, b, bias, 1, m, n, k, false, true, form));
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void geluForwardAndBackward(Activation form) {
        try (Arena arena = Arena.ofShared()) {
            int n = 40_000;
            MemorySegment x = filled(arena, n), dy = filled(arena, n), out = arena.allocate(4L * n);
            assertSteady("gelu " + form, () -> Gelu.forward(out, x, n, form));
            assertSteady("gelu backward " + form, () -> Gelu.backward(out, dy, x, n, form));
        }
    }

    @Test
    void softmax() {
        try (Arena arena = Arena.ofShared()) {
            int rows = 200, dim = 197;
            MemorySegment x = filled(arena, rows * dim), out = arena.allocate(4L * rows * dim);
            assertSteady("softmax", () -> Softmax.forward(out, x, rows, dim));
        }
    }

    private static MemorySegment filled(Arena arena, int n) {
        MemorySegment s = arena.allocate(4L * n, 64);
        for (int i = 0; i < n; i++) F32.set(s, i, (i % 97) / 10f - 4.8f);
        return s;
    }

    private static void assertSteady(String what, Runnable call) {
        long start = System.nanoTime(), perCall;
        do {
            for (int i = 0; i < 200; i++) call.run();
            long before = THREADS.getTotalThreadAllocatedBytes();
            for (int i = 0; i < 50; i++) call.run();
            perCall = (THREADS.getTotalThreadAllocatedBytes() - before) / 50;
        } while (perCall > BOUND && System.nanoTime() - start < LIMIT_NANOS);
        assertTrue(perCall <= BOUND, what + " still allocates " + perCall + " bytes a call after "
                + (System.nanoTime() - start) / 1_000_000_000 + " s of warm-up (bound " + BOUND + "): a vector is boxed");
    }
}
