package jvit.kernels.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a loop over all cores: the calling thread and {@code THREADS - 1} workers take its chunks
 * in turn. Kernels call it once at their top level; a body must not call it again (nested calls run
 * on the calling thread, which is correct but serial), and while one thread's loop runs, another
 * thread's loop runs on that thread alone.
 *
 * <p>Workers spin for a while after a loop before they park, because a model is a chain of loops
 * a few microseconds apart: a ForkJoinPool took 30-37 µs to start and join a loop of eight tiny
 * chunks, this 2.5 µs (2 vCPUs, bench/results/2026-12-05-parallel-dispatch.md), and a ViT-B/16
 * forward runs about 125 loops.
 */
public final class Parallel {
    /** Threads the CPU kernels use: every core, or {@code -Djvit.threads=N}. */
    public static final int THREADS = Integer.getInteger("jvit.threads", Runtime.getRuntime().availableProcessors());

    /** How long an idle worker spins for the next loop before it parks. */
    private static final long SPIN_NANOS = 200_000;

    /** A loop body over the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** One loop's chunks: claimed one at a time by whichever thread is free. */
    private static final class Loop {
        final Range body;
        final int n, chunks;
        final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Loop(Range body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
        }

        /** Runs chunks until none is left; a chunk that throws is recorded and still counted as done. */
        void work() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        /** Waits until every chunk is done, spinning at first (the others are nearly done). */
        void await() {
            for (int spins = 0; done.get() < chunks; spins++) {
                if (spins < 10_000) Thread.onSpinWait();
                else Thread.yield();
            }
        }
    }

    private static volatile Loop current;
    /** Whether a loop is running: a loop started meanwhile, on another thread or inside a body, runs serially. */
    private static final AtomicBoolean RUNNING = new AtomicBoolean();
    private static final Thread[] WORKERS = new Thread[Math.max(0, THREADS - 1)];

    static {
        for (int w = 0; w < WORKERS.length; w++) {
            WORKERS[w] = new Thread(Parallel::serve, "jvit-cpu-" + w);
            WORKERS[w].setDaemon(true);
            WORKERS[w].start();
        }
    }

    private Parallel() {}

    /** A worker: works on each new loop, spins a while for the next, then parks until one is started. */
    private static void serve() {
        Loop seen = null;
        while (true) {
            Loop loop = current;
            if (loop != seen) {
                seen = loop;
                loop.work();
                continue;
            }
            long until = System.nanoTime() + SPIN_NANOS;
            while (current == seen && System.nanoTime() < until) Thread.onSpinWait();
            if (current == seen) LockSupport.park(); // start() unparks every worker after publishing a loop
        }
    }

    /**
     * Runs {@code body} over {@code [0, n)} in contiguous chunks, about {@code chunksPerThread}
     * per thread so that uneven work still balances. Small loops ({@code n < 2}) run inline. A body
     * that throws is rethrown here once every chunk is done.
     */
    public static void forRange(int n, int chunksPerThread, Range body) {
        if (n <= 0) return;
        if (n == 1 || WORKERS.length == 0 || !RUNNING.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        Loop loop = new Loop(body, n, Math.min(n, THREADS * Math.max(1, chunksPerThread)));
        try {
            current = loop;
            for (Thread worker : WORKERS) LockSupport.unpark(worker);
            loop.work();
            loop.await();
        } finally {
            RUNNING.set(false);
        }
        Throwable failure = loop.failure.get();
        if (failure instanceof RuntimeException e) throw e;
        if (failure instanceof Error e) throw e;
        if (failure != null) throw new IllegalStateException(failure);
    }

    /** {@link #forRange(int, int, Range)} with a few chunks per thread. */
    public static void forRange(int n, Range body) {
        forRange(n, 4, body);
    }
}
