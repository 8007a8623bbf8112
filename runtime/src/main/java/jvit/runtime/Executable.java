package jvit.runtime;

/** A task graph loaded on a device: its buffers allocated and kernels compiled. Close it to free them. */
public interface Executable extends AutoCloseable {
    /**
     * Runs the graph once: copies in (weights on the first run only), launches, copies out.
     * With {@code profile}, the result carries the time of every task.
     */
    ExecutionResult execute(boolean profile);

    /**
     * Copies a tensor's device contents to its host memory now, outside the graph's declared
     * copies (TornadoVM's under-demand transfer): parameters a training graph updates on the
     * device, read back for a checkpoint. Before the first execution the host already holds them.
     */
    void copyToHost(Tensor tensor);

    @Override
    void close();
}
