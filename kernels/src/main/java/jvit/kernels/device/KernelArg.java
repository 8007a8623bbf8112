package jvit.kernels.device;

/** One argument of a device kernel, in the kernel's parameter order. */
public sealed interface KernelArg {
    /** The device buffer of the operator's argument {@code index} (outputs first, as in {@link jvit.kernels.Op}). */
    record Tensor(int index) implements KernelArg {}

    /** A null buffer pointer: an optional tensor that is absent, such as a matmul without bias. */
    record Null() implements KernelArg {}

    record Int(int value) implements KernelArg {}

    record Float(float value) implements KernelArg {}
}
