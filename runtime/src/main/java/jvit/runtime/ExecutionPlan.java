package jvit.runtime;

/**
 * Runs an {@link ImmutableTaskGraph} on a device, many times. The first execution copies the
 * {@code FIRST_EXECUTION} tensors (weights) to the device, where they stay until the plan is closed.
 *
 * <pre>{@code
 * try (var plan = new ExecutionPlan(graph, Devices.get("java")).withProfiling(true)) {
 *     ExecutionResult r = plan.execute();
 * }
 * }</pre>
 */
public final class ExecutionPlan implements AutoCloseable {
    private final ImmutableTaskGraph graph;
    private final Device device;
    private final Executable executable;
    private boolean profiling;

    public ExecutionPlan(ImmutableTaskGraph graph, Device device) {
        this.graph = graph;
        this.device = device;
        this.executable = device.load(graph);
    }

    /** Whether each execution times every task (it may cost a little: a device synchronises per task). */
    public ExecutionPlan withProfiling(boolean on) {
        this.profiling = on;
        return this;
    }

    public ExecutionResult execute() {
        return executable.execute(profiling);
    }

    /** Copies these tensors' device contents to their host memory now (see {@link Executable#copyToHost}). */
    public ExecutionPlan transferToHost(Tensor... tensors) {
        for (Tensor t : tensors) executable.copyToHost(t);
        return this;
    }

    public ImmutableTaskGraph graph() { return graph; }

    public Device device() { return device; }

    @Override
    public void close() {
        executable.close();
    }
}
