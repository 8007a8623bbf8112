package jvit.runtime.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jvit.kernels.device.DeviceKernels;
import jvit.kernels.device.KernelArg;
import jvit.kernels.device.KernelLaunch;
import jvit.runtime.UserError;
import jvit.runtime.Releases;
import jvit.runtime.Task;
import jvit.runtime.driver.DeviceDriver;

/**
 * OpenCL for one graph loaded on a device: an in-order queue in the device's shared context,
 * buffers, and one kernel per launch with its arguments bound once (programs come from the
 * device's cache). When profiling, each command's event times it.
 */
final class OpenCLDriver implements DeviceDriver<MemorySegment, OpenCLDriver.Command> {
    private static final int INVALID_KERNEL_NAME = -46;
    private final OpenCLDevice device;
    private final Releases releases = new Releases();
    private final Arena arena = Arena.ofShared();
    private OpenCLDevice.Shared shared;
    private MemorySegment queue;
    /** One event slot per command, filled when profiling. */
    private MemorySegment events;

    /** One queued operation: a copy or a launch. */
    sealed interface Command {
        void enqueue(MemorySegment queue, MemorySegment event);
    }

    private record Write(MemorySegment buffer, MemorySegment host, long bytes) implements Command {
        public void enqueue(MemorySegment queue, MemorySegment event) { CL.enqueueWrite(queue, buffer, host, bytes, event); }
    }

    private record Read(MemorySegment buffer, MemorySegment host, long bytes) implements Command {
        public void enqueue(MemorySegment queue, MemorySegment event) { CL.enqueueRead(queue, buffer, host, bytes, event); }
    }

    private record Launch(MemorySegment kernel, int dimensions, MemorySegment global, MemorySegment local) implements Command {
        public void enqueue(MemorySegment queue, MemorySegment event) {
            CL.enqueueKernel(queue, kernel, dimensions, global, local, event);
        }
    }

    OpenCLDriver(OpenCLDevice device) {
        this.device = device;
    }

    public String name() { return "OpenCL"; }

    public void open() {
        shared = device.shared();
        MemorySegment context = shared.context();
        CL.retainContext(context);
        releases.add(() -> CL.releaseContext(context));
        MemorySegment q = CL.createQueue(context, device.handle(), device.openCL2());
        releases.add(() -> CL.releaseQueue(q));
        this.queue = q;
    }

    public MemorySegment allocate(long bytes) {
        MemorySegment buffer = CL.createBuffer(shared.context(), bytes);
        releases.add(() -> CL.releaseBuffer(buffer));
        return buffer;
    }

    public Command copyIn(MemorySegment buffer, MemorySegment host, long bytes) { return new Write(buffer, host, bytes); }

    public Command copyOut(MemorySegment buffer, MemorySegment host, long bytes) { return new Read(buffer, host, bytes); }

    public List<KernelLaunch> kernels(Task task, Set<Integer> constant) {
        return DeviceKernels.launches(task.op(), device.limits(), constant);
    }

    public List<Command> commands(Task task, List<KernelLaunch> kernels, List<MemorySegment> args,
                                  Map<Integer, MemorySegment> scratch, Map<Integer, MemorySegment> kept) {
        return kernels.stream().<Command>map(launch -> launch(launch, args, scratch, kept)).toList();
    }

    /** Builds (or finds) the program of one launch, creates its kernel and binds its arguments once. */
    private Launch launch(KernelLaunch launch, List<MemorySegment> tensors, Map<Integer, MemorySegment> scratch,
                          Map<Integer, MemorySegment> kept) {
        MemorySegment program = shared.programs().acquire(launch.program());
        releases.add(() -> CL.releaseProgram(program));
        MemorySegment kernel;
        try {
            kernel = CL.createKernel(program, launch.kernel());
        } catch (CLException e) {
            // A program from a kernel binary file that built but lacks the kernel (a file edited by hand).
            if (e.code() != INVALID_KERNEL_NAME) throw e;
            throw new UserError("program " + launch.program() + " has no kernel '" + launch.kernel() + "' (" + e.getMessage()
                    + "); if it came from a kernel binary file, make the file again with `vit kernels build`", e);
        }
        releases.add(() -> CL.releaseKernel(kernel));
        List<KernelArg> args = launch.args();
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case KernelArg.Tensor t -> CL.setBufferArg(kernel, i, tensors.get(t.index()));
                case KernelArg.Scratch b -> CL.setBufferArg(kernel, i, scratch.get(b.index()));
                case KernelArg.Kept b -> CL.setBufferArg(kernel, i, kept.get(b.index()));
                case KernelArg.Null n -> CL.setBufferArg(kernel, i, MemorySegment.NULL);
                case KernelArg.Int v -> CL.setArg(kernel, i, v.value());
                case KernelArg.Float v -> CL.setArg(kernel, i, v.value());
            }
        }
        return new Launch(kernel, launch.dimensions(), arena.allocateFrom(JAVA_LONG, launch.global()),
                arena.allocateFrom(JAVA_LONG, launch.local()));
    }

    public void prepareTimers(int commands) {
        events = arena.allocate(ADDRESS, commands);
    }

    public void begin(boolean profile) {}

    public void enqueue(Command command, int index, boolean profile) {
        command.enqueue(queue, profile ? events.asSlice(index * ADDRESS.byteSize(), ADDRESS) : MemorySegment.NULL);
    }

    public void finish() {
        CL.finish(queue);
    }

    /** From the command's event's start and end. */
    public long nanos(int index) {
        MemorySegment event = events.getAtIndex(ADDRESS, index);
        return CL.eventTime(event, CL.PROFILING_COMMAND_END) - CL.eventTime(event, CL.PROFILING_COMMAND_START);
    }

    public void endProfile(int queued) {
        for (int i = 0; i < queued; i++) CL.releaseEvent(events.getAtIndex(ADDRESS, i));
    }

    public RuntimeException userFacing(RuntimeException e, String doing) {
        return e instanceof CLException cl ? device.userFacing(cl, doing) : e;
    }

    public void close() {
        try {
            releases.close();
        } finally {
            arena.close();
        }
    }
}
