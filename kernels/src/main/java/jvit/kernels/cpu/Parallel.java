package jvit.kernels.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Splits a loop over all cores. Kernels call it once at their top level; a body must not call it
 * again (nested calls run on the calling thread, which is correct but serial).
 */
public final class Parallel {
    /** Threads the CPU kernels use: every core, or {@code -Djvit.threads=N}. */
    public static final int THREADS = Integer.getInteger("jvit.threads", Runtime.getRuntime().availableProcessors());

    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS, pool -> {
        var thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        thread.setName("jvit-cpu-" + thread.getPoolIndex());
        thread.setDaemon(true);
        return thread;
    }, null, false);

    /** A loop body over the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    private Parallel() {}

    /**
     * Runs {@code body} over {@code [0, n)} in contiguous chunks, about {@code chunksPerThread}
     * per thread so that uneven work still balances. Small loops ({@code n < 2}) run inline.
     */
    public static void forRange(int n, int chunksPerThread, Range body) {
        if (n <= 0) return;
        if (n == 1 || THREADS == 1 || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(n, THREADS * Math.max(1, chunksPerThread));
        List<ForkJoinTask<?>> tasks = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
            tasks.add(ForkJoinTask.adapt(() -> body.run(from, to)));
        }
        POOL.invoke(new ForkJoinTask<Void>() {
            public Void getRawResult() { return null; }
            protected void setRawResult(Void v) {}
            protected boolean exec() {
                invokeAll(tasks);
                return true;
            }
        });
    }

    /** {@link #forRange(int, int, Range)} with a few chunks per thread. */
    public static void forRange(int n, Range body) {
        forRange(n, 4, body);
    }
}
