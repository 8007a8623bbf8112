package jvit.runtime.driver;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jvit.kernels.device.KernelLaunch;
import jvit.runtime.Task;

/**
 * What a device's native driver does for one graph loaded on it, in the few terms
 * {@link DriverExecutable} runs a recorded graph in: device buffers, copies and kernel launches
 * queued in order on one queue (an OpenCL command queue, a CUDA stream), a wait for the queue to
 * drain, each queued command's time, and releasing all it made. One driver serves one graph; it
 * holds what it creates until {@link #close()}.
 *
 * @param <B> a device buffer
 * @param <C> a command ready to queue: a copy, or a launch with its kernel compiled and its arguments bound
 */
public interface DeviceDriver<B, C> {
    /** The driver's name in messages: {@code OpenCL}, {@code CUDA}. */
    String name();

    /** Creates the queue; called once, before anything else. */
    void open();

    /** A buffer of {@code bytes} on the device. */
    B allocate(long bytes);

    /** Copies host memory (off the Java heap) to a buffer. */
    C copyIn(B buffer, MemorySegment host, long bytes);

    /** Copies a buffer to host memory (off the Java heap). */
    C copyOut(B buffer, MemorySegment host, long bytes);

    /**
     * The kernel launches of a task whose arguments at the indices {@code constant} do not change between
     * executions (see {@code DeviceKernels.launches}); none for a task the driver runs otherwise (a matmul
     * by a vendor library).
     */
    List<KernelLaunch> kernels(Task task, Set<Integer> constant);

    /**
     * The commands that run a task: each of its {@code kernels} compiled (or found compiled) with its
     * arguments bound to the task's buffers ({@code args}, in the task's order), the scratch buffers
     * and the task's kept buffers by index; one command per launch, in order, where there are launches.
     */
    List<C> commands(Task task, List<KernelLaunch> kernels, List<B> args, Map<Integer, B> scratch, Map<Integer, B> kept);

    /** Prepares to time up to {@code commands} commands per execution. */
    void prepareTimers(int commands);

    /** Readies this thread to queue (CUDA makes its context current) and, when profiling, starts the clock. */
    void begin(boolean profile);

    /** Queues {@code command}, the {@code index}-th queued in this execution; when profiling, timed. */
    void enqueue(C command, int index, boolean profile);

    /** Waits until everything queued has run. */
    void finish();

    /** The device time of the {@code index}-th command queued in the profiled execution just finished. */
    long nanos(int index);

    /** After a profiled execution, finished or failed, with {@code queued} commands queued: frees their timers. */
    void endProfile(int queued);

    /** A driver failure the user can act on (the device out of memory) as a one-line UserError; any other as it is. */
    RuntimeException userFacing(RuntimeException e, String doing);

    /** Releases everything made, last made first, each once, all even when one fails (then throws). */
    void close();
}
