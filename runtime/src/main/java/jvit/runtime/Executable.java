package jvit.runtime;

/** A task graph loaded on a device: its buffers allocated and kernels compiled. Close it to free them. */
public interface Executable extends AutoCloseable {
    /**
     * Runs the graph once: copies in (weights on the first run only), launches, copies out.
     * With {@code profile}, the result carries the time of every task.
     */
    ExecutionResult execute(boolean profile);

    @Override
    void close();
}
