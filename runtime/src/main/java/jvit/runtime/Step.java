package jvit.runtime;

/** One step of a task graph, in program order: a copy to the device, a kernel launch, or a copy back. */
public sealed interface Step {
    record CopyIn(Tensor tensor, DataTransferMode mode) implements Step {}

    record Launch(Task task) implements Step {}

    record CopyOut(Tensor tensor, DataTransferMode mode) implements Step {}
}
