package jvit.runtime;

import java.util.ArrayList;
import java.util.List;
import jvit.kernels.Op;

/**
 * Records the work of a step (a forward pass, a training step) once: copies in, kernel launches,
 * copies out, in order. {@link #snapshot()} checks it and freezes it into an
 * {@link ImmutableTaskGraph}, which an {@link ExecutionPlan} runs on a device many times.
 *
 * <pre>{@code
 * var graph = new TaskGraph("forward")
 *     .transferToDevice(DataTransferMode.FIRST_EXECUTION, weight, bias)
 *     .transferToDevice(DataTransferMode.EVERY_EXECUTION, input)
 *     .task("fc", Op.Matmul.linear(rows, in, out, Activation.NONE), output, input, weight, bias)
 *     .transferToHost(DataTransferMode.EVERY_EXECUTION, output)
 *     .snapshot();
 * }</pre>
 */
public final class TaskGraph {
    private final String name;
    private final List<Step> steps = new ArrayList<>();

    public TaskGraph(String name) {
        this.name = name;
    }

    /** Declares host tensors the following tasks read. */
    public TaskGraph transferToDevice(DataTransferMode mode, Tensor... tensors) {
        for (Tensor t : tensors) steps.add(new Step.CopyIn(t, mode));
        return this;
    }

    /** Adds a launch of {@code op} on {@code args}, outputs first. */
    public TaskGraph task(String taskName, Op op, Tensor... args) {
        steps.add(new Step.Launch(new Task(taskName, op, List.of(args))));
        return this;
    }

    /** Declares tensors whose device contents are copied back to host memory at this point. */
    public TaskGraph transferToHost(DataTransferMode mode, Tensor... tensors) {
        for (Tensor t : tensors) steps.add(new Step.CopyOut(t, mode));
        return this;
    }

    public String name() { return name; }

    /** Checks the graph (every tensor is written or copied in before it is read) and freezes it. */
    public ImmutableTaskGraph snapshot() {
        return new ImmutableTaskGraph(name, steps);
    }
}
