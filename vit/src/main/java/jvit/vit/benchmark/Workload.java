package jvit.vit.benchmark;

/**
 * Work a benchmark repeats on one device: a kernel, a forward pass, a training step, loaded and
 * run once already (weights copied in, kernels compiled), so that each {@link #run} is the
 * steady state.
 */
public interface Workload extends AutoCloseable {
    /** Runs the work once; returns the nanoseconds it took, launch and wait included. */
    long run();

    /** Floating-point operations of one run. */
    long flops();

    /** Bytes one run reads and writes, each argument of each operator counted once. */
    long bytes();

    /** Bytes of every tensor the work holds on the device (weights, optimiser state, activations, inputs). */
    long footprintBytes();

    @Override
    void close();
}
