package jvit.runtime.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import jvit.kernels.device.DeviceKernels;
import jvit.kernels.device.KernelArg;
import jvit.kernels.device.KernelLaunch;
import jvit.runtime.DataTransferMode;
import jvit.runtime.ExecutionResult;
import jvit.runtime.ExecutionResult.TaskTime;
import jvit.runtime.Executable;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Releases;
import jvit.runtime.Step;
import jvit.runtime.Task;
import jvit.runtime.Tensor;

/**
 * A graph loaded on an OpenCL device: one device buffer per tensor, and per scratch index for the
 * operators that pass partial results between their launches; one kernel per launch with its
 * arguments bound once, and the steps as commands on one in-order queue. {@code FIRST_EXECUTION}
 * copies run on the first execution only, so weights stay resident; everything else runs every
 * time, and an execution waits for the queue to drain.
 */
final class OpenCLExecutable implements Executable {
    private final OpenCLDevice device;
    private final ImmutableTaskGraph graph;
    private final Releases releases = new Releases();
    private final Arena arena = Arena.ofShared();
    private final List<Command> commands = new ArrayList<>();
    private final MemorySegment queue;
    private final Map<Tensor, MemorySegment> buffers = new IdentityHashMap<>();
    /** One event slot per command, filled when profiling. */
    private final MemorySegment events;
    private boolean executed;
    private boolean closed;

    /** One queued operation: a copy or a launch, named for the profile. */
    private sealed interface Command {
        String name();

        String kind();

        boolean firstExecutionOnly();

        void enqueue(MemorySegment queue, MemorySegment event);
    }

    private record Write(String name, MemorySegment buffer, MemorySegment host, long bytes, boolean firstExecutionOnly)
            implements Command {
        public String kind() { return "copy_in"; }

        public void enqueue(MemorySegment queue, MemorySegment event) { CL.enqueueWrite(queue, buffer, host, bytes, event); }
    }

    private record Read(String name, MemorySegment buffer, MemorySegment host, long bytes, boolean firstExecutionOnly)
            implements Command {
        public String kind() { return "copy_out"; }

        public void enqueue(MemorySegment queue, MemorySegment event) { CL.enqueueRead(queue, buffer, host, bytes, event); }
    }

    private record Launch(String name, String kind, MemorySegment kernel, int dimensions, MemorySegment global, MemorySegment local)
            implements Command {
        public boolean firstExecutionOnly() { return false; }

        public void enqueue(MemorySegment queue, MemorySegment event) {
            CL.enqueueKernel(queue, kernel, dimensions, global, local, event);
        }
    }

    OpenCLExecutable(OpenCLDevice device, ImmutableTaskGraph graph) {
        this.device = device;
        this.graph = graph;
        try {
            OpenCLDevice.Shared shared = device.shared();
            MemorySegment context = shared.context();
            CL.retainContext(context);
            releases.add(() -> CL.releaseContext(context));
            MemorySegment q = CL.createQueue(context, device.handle(), device.openCL2());
            releases.add(() -> CL.releaseQueue(q));
            this.queue = q;

            for (Tensor t : graph.tensors()) buffers.put(t, buffer(context, t.bytes()));
            Map<Task, List<KernelLaunch>> launches = new IdentityHashMap<>();
            for (Task task : graph.tasks()) launches.put(task, DeviceKernels.launches(task.op(), device.limits()));
            Map<Integer, MemorySegment> scratch = new HashMap<>();
            KernelLaunch.scratchFloats(launches.values().stream().flatMap(List::stream).toList())
                    .forEach((index, floats) -> scratch.put(index, buffer(context, 4 * floats)));
            for (Step step : graph.steps()) {
                switch (step) {
                    case Step.CopyIn in -> commands.add(new Write(in.tensor().name(), buffers.get(in.tensor()), host(in.tensor()),
                            in.tensor().bytes(), in.mode() == DataTransferMode.FIRST_EXECUTION));
                    case Step.CopyOut out -> commands.add(new Read(out.tensor().name(), buffers.get(out.tensor()), host(out.tensor()),
                            out.tensor().bytes(), out.mode() == DataTransferMode.FIRST_EXECUTION));
                    case Step.Launch l -> {
                        for (KernelLaunch launch : launches.get(l.task()))
                            commands.add(launch(shared.programs(), l.task(), launch, scratch));
                    }
                }
            }
            this.events = arena.allocate(ADDRESS, commands.size());
        } catch (RuntimeException | Error e) {
            close(e);
            throw e;
        }
    }

    private MemorySegment buffer(MemorySegment context, long bytes) {
        MemorySegment buffer = CL.createBuffer(context, bytes);
        releases.add(() -> CL.releaseBuffer(buffer));
        return buffer;
    }

    /** Builds (or finds) the program of one of the task's launches, creates its kernel and binds its arguments once. */
    private Launch launch(ProgramCache programs, Task task, KernelLaunch launch, Map<Integer, MemorySegment> scratch) {
        MemorySegment program = programs.acquire(launch.program());
        releases.add(() -> CL.releaseProgram(program));
        MemorySegment kernel = CL.createKernel(program, launch.kernel());
        releases.add(() -> CL.releaseKernel(kernel));
        List<KernelArg> args = launch.args();
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case KernelArg.Tensor t -> CL.setBufferArg(kernel, i, buffers.get(task.args().get(t.index())));
                case KernelArg.Scratch b -> CL.setBufferArg(kernel, i, scratch.get(b.index()));
                case KernelArg.Null n -> CL.setBufferArg(kernel, i, MemorySegment.NULL);
                case KernelArg.Int v -> CL.setArg(kernel, i, v.value());
                case KernelArg.Float v -> CL.setArg(kernel, i, v.value());
            }
        }
        return new Launch(task.name(), task.op().name(), kernel, launch.dimensions(),
                arena.allocateFrom(JAVA_LONG, launch.global()), arena.allocateFrom(JAVA_LONG, launch.local()));
    }

    /** Host memory for a copy: OpenCL reads and writes it directly, so it must be off the Java heap. */
    private static MemorySegment host(Tensor t) {
        MemorySegment host = t.host();
        if (!host.isNative())
            throw new IllegalArgumentException("tensor " + t + " is on the Java heap; OpenCL copies need off-heap memory (Tensor.allocate)");
        return host;
    }

    public ExecutionResult execute(boolean profile) {
        if (closed) throw new IllegalStateException("graph " + graph.name() + " was closed");
        long start = System.nanoTime();
        List<Command> queued = new ArrayList<>(commands.size());
        try {
            for (Command c : commands) {
                if (executed && c.firstExecutionOnly()) continue;
                c.enqueue(queue, profile ? events.asSlice(queued.size() * ADDRESS.byteSize(), ADDRESS) : MemorySegment.NULL);
                queued.add(c);
            }
            CL.finish(queue);
            executed = true;
            return new ExecutionResult(System.nanoTime() - start, profile ? times(queued) : List.of());
        } catch (RuntimeException e) {
            try {
                CL.finish(queue); // the commands already queued still use host memory
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e instanceof CLException cl ? device.userFacing(cl, "running " + graph.name()) : e;
        } finally {
            if (profile) for (int i = 0; i < queued.size(); i++) CL.releaseEvent(events.getAtIndex(ADDRESS, i));
        }
    }

    public void copyToHost(Tensor tensor) {
        if (closed) throw new IllegalStateException("graph " + graph.name() + " was closed");
        MemorySegment buffer = buffers.get(tensor);
        if (buffer == null) throw new IllegalArgumentException(tensor + " is not a tensor of graph " + graph.name());
        if (!executed) return; // nothing was copied to the device yet: the host holds the values
        try {
            CL.enqueueRead(queue, buffer, host(tensor), tensor.bytes(), MemorySegment.NULL);
            CL.finish(queue);
        } catch (CLException e) {
            throw device.userFacing(e, "copying " + tensor.name() + " to the host");
        }
    }

    /** Each command's time on the device, from its event's start and end. */
    private List<TaskTime> times(List<Command> queued) {
        List<TaskTime> times = new ArrayList<>(queued.size());
        for (int i = 0; i < queued.size(); i++) {
            MemorySegment event = events.getAtIndex(ADDRESS, i);
            long nanos = CL.eventTime(event, CL.PROFILING_COMMAND_END) - CL.eventTime(event, CL.PROFILING_COMMAND_START);
            times.add(new TaskTime(queued.get(i).name(), queued.get(i).kind(), nanos));
        }
        return times;
    }

    public void close() {
        close(null);
    }

    /** Releases everything once; after a failed load, adds release failures to that failure. */
    private void close(Throwable failure) {
        if (closed) return;
        closed = true;
        try {
            releases.close();
        } catch (RuntimeException e) {
            if (failure == null) throw e;
            failure.addSuppressed(e);
        } finally {
            arena.close();
        }
    }

    @Override
    public String toString() { return "opencl:" + graph.name(); }
}
