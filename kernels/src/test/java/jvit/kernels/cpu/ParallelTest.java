package jvit.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void everyIndexRunsExactlyOnce() {
        for (int n : new int[] {1, 2, 3, 7, 97, 1000}) {
            for (int chunks : new int[] {1, 4, 50}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                Parallel.forRange(n, chunks, (from, to) -> {
                    for (int i = from; i < to; i++) hits.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n " + n + ", chunks " + chunks + ", index " + i);
            }
        }
    }

    @Test
    void aFailingChunkIsRethrownOnlyOnceEveryChunkIsDone() {
        AtomicInteger finished = new AtomicInteger(), failedChunkEnd = new AtomicInteger();
        IllegalArgumentException thrown = new IllegalArgumentException("chunk 0");
        IllegalArgumentException caught = assertThrows(IllegalArgumentException.class, () -> Parallel.forRange(64, 8, (from, to) -> {
            if (from == 0) {
                failedChunkEnd.set(to);
                throw thrown;
            }
            busyWork();
            finished.addAndGet(to - from);
        }));
        assertSame(thrown, caught);
        assertEquals(64 - failedChunkEnd.get(), finished.get(), "the other chunks ran to the end before forRange returned");
        everyIndexRunsExactlyOnce(); // and the workers still serve later loops
    }

    @Test
    void nestedAndConcurrentLoopsStillCoverEveryIndex() {
        int outer = 6, inner = 50;
        AtomicIntegerArray hits = new AtomicIntegerArray(outer * inner);
        Runnable nested = () -> Parallel.forRange(outer, 1, (from, to) -> {
            for (int o = from; o < to; o++) {
                int base = o * inner;
                Parallel.forRange(inner, (f, t) -> {
                    for (int i = f; i < t; i++) hits.incrementAndGet(base + i);
                });
            }
        });
        CompletableFuture<Void> other = CompletableFuture.runAsync(nested);
        nested.run();
        other.join();
        for (int i = 0; i < outer * inner; i++) assertEquals(2, hits.get(i), "index " + i);
    }

    private static void busyWork() {
        long until = System.nanoTime() + 200_000;
        while (System.nanoTime() < until) Thread.onSpinWait();
    }
}
