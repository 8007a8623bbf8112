package jvit.kernels.device;

/** One argument of a device kernel, in the kernel's parameter order. */
public sealed interface KernelArg {
    /** The device buffer of the operator's argument {@code index} (outputs first, as in {@link jvit.kernels.Op}). */
    record Tensor(int index) implements KernelArg {}

    /** A null buffer pointer: an optional tensor that is absent, such as a matmul without bias. */
    record Null() implements KernelArg {}

    record Int(int value) implements KernelArg {}

    record Float(float value) implements KernelArg {}

    /**
     * Device memory of at least {@code floats} floats through which one launch of an operator hands
     * partial results to the next (partial sums, per-row statistics): scratch buffer {@code index}.
     * Its contents do not outlive the operator, so all the tasks of a graph may share one buffer per index.
     */
    /** Device memory a launch is given by size, not one of the operator's tensors: {@link Scratch} or {@link Kept}. */
    sealed interface Buffer extends KernelArg {
        int index();

        long floats();
    }

    record Scratch(int index, long floats) implements Buffer {
        public Scratch {
            if (index < 0 || floats < 1) throw new IllegalArgumentException("scratch " + index + " of " + floats + " floats");
        }
    }

    /**
     * Device memory of at least {@code floats} floats that the task keeps to itself between
     * executions: kept buffer {@code index}, filled by the task's {@link KernelLaunch#once()}
     * launches on the first execution (a weight packed into the layout its product reads) and read
     * by its other launches on every one.
     */
    record Kept(int index, long floats) implements Buffer {
        public Kept {
            if (index < 0 || floats < 1) throw new IllegalArgumentException("kept buffer " + index + " of " + floats + " floats");
        }
    }
}
