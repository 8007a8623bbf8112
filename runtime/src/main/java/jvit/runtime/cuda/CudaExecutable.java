package jvit.runtime.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jvit.kernels.Op;
import jvit.kernels.device.DeviceKernels;
import jvit.kernels.device.GemmEpilogue;
import jvit.kernels.device.KernelArg;
import jvit.kernels.device.KernelLaunch;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Executable;
import jvit.runtime.ExecutionResult;
import jvit.runtime.ExecutionResult.TaskTime;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Releases;
import jvit.runtime.Step;
import jvit.runtime.Task;
import jvit.runtime.Tensor;

/**
 * A graph loaded on a CUDA device: one device buffer per tensor, and per scratch index for the
 * operators that pass partial results between their launches; each launch's kernel and argument
 * values prepared once, and the steps queued in order on one stream. {@code FIRST_EXECUTION}
 * copies run on the first execution only, so weights stay resident; everything else runs every
 * time, and an execution waits for the stream to drain. When profiling, events recorded between
 * the steps time each one on the GPU.
 */
final class CudaExecutable implements Executable {
    private final CudaDevice device;
    private final ImmutableTaskGraph graph;
    private final Releases releases = new Releases();
    private final Arena arena = Arena.ofShared();
    private final List<Command> commands = new ArrayList<>();
    private final MemorySegment context;
    private final MemorySegment stream;
    /** Profiling marks: the i-th before the i-th command queued, the next one after it. */
    private final List<MemorySegment> events = new ArrayList<>();
    private final Map<Tensor, Long> buffers = new IdentityHashMap<>();
    private boolean executed;
    private boolean closed;

    /** One queued operation: a copy, a kernel launch or a library call, named for the profile. */
    private sealed interface Command {
        String name();

        String kind();

        boolean firstExecutionOnly();

        void enqueue(MemorySegment stream);
    }

    private record CopyIn(String name, long device, MemorySegment host, long bytes, boolean firstExecutionOnly) implements Command {
        public String kind() { return "copy_in"; }

        public void enqueue(MemorySegment stream) { Cuda.copyToDevice(device, host, bytes, stream); }
    }

    private record CopyOut(String name, long device, MemorySegment host, long bytes, boolean firstExecutionOnly) implements Command {
        public String kind() { return "copy_out"; }

        public void enqueue(MemorySegment stream) { Cuda.copyToHost(host, device, bytes, stream); }
    }

    /** A kernel launch; {@code params} points at each argument's value, as cuLaunchKernel takes them. */
    private record KernelCall(String name, String kind, MemorySegment function, CudaGrid grid, MemorySegment params) implements Command {
        public boolean firstExecutionOnly() { return false; }

        public void enqueue(MemorySegment stream) { Cuda.launch(function, grid, stream, params); }
    }

    /** A matmul by cuBLAS, then its bias and activation by the epilogue kernel when it has them. */
    private record LibraryMatmul(String name, MemorySegment handle, ColumnMajorGemm gemm, MemorySegment a, MemorySegment b,
                                 MemorySegment c, MemorySegment alpha, MemorySegment beta, Optional<KernelCall> epilogue)
            implements Command {
        public String kind() { return "matmul"; }

        public boolean firstExecutionOnly() { return false; }

        public void enqueue(MemorySegment stream) {
            Cublas.gemm(handle, gemm, b, a, c, alpha, beta);
            epilogue.ifPresent(e -> e.enqueue(stream));
        }
    }

    CudaExecutable(CudaDevice device, ImmutableTaskGraph graph, Gemm gemm) {
        this.device = device;
        this.graph = graph;
        try {
            CudaDevice.Shared shared = device.shared();
            this.context = shared.context();
            MemorySegment s = Cuda.createStream();
            releases.add(() -> Cuda.destroyStream(s));
            this.stream = s;

            for (Tensor t : graph.tensors()) buffers.put(t, buffer(t.bytes()));
            boolean usesCublas = gemm == Gemm.CUBLAS && graph.tasks().stream().anyMatch(t -> t.op() instanceof Op.Matmul);
            MemorySegment cublas = usesCublas ? cublasHandle() : null;
            Map<Task, List<KernelLaunch>> launches = new IdentityHashMap<>();
            for (Task task : graph.tasks())
                if (cublas == null || !(task.op() instanceof Op.Matmul)) launches.put(task, DeviceKernels.launches(task.op(), device.limits()));
            Map<Integer, Long> scratch = new HashMap<>();
            KernelLaunch.scratchFloats(launches.values().stream().flatMap(List::stream).toList())
                    .forEach((index, floats) -> scratch.put(index, buffer(4 * floats)));
            for (Step step : graph.steps()) {
                switch (step) {
                    case Step.CopyIn in -> commands.add(new CopyIn(in.tensor().name(), buffers.get(in.tensor()), host(in.tensor()),
                            in.tensor().bytes(), in.mode() == DataTransferMode.FIRST_EXECUTION));
                    case Step.CopyOut out -> commands.add(new CopyOut(out.tensor().name(), buffers.get(out.tensor()), host(out.tensor()),
                            out.tensor().bytes(), out.mode() == DataTransferMode.FIRST_EXECUTION));
                    case Step.Launch l -> commands.addAll(commands(l.task(), launches.get(l.task()), shared.modules(), scratch, cublas));
                }
            }
            for (int i = 0; i <= commands.size(); i++) {
                MemorySegment event = Cuda.createEvent();
                releases.add(() -> Cuda.destroyEvent(event));
                events.add(event);
            }
        } catch (RuntimeException | Error e) {
            close(e);
            throw e;
        }
    }

    /** A cuBLAS handle that queues on this graph's stream. */
    private MemorySegment cublasHandle() {
        MemorySegment handle = Cublas.create();
        releases.add(() -> Cublas.destroy(handle));
        Cublas.setStream(handle, stream);
        return handle;
    }

    private long buffer(long bytes) {
        long buffer = Cuda.alloc(bytes);
        releases.add(() -> Cuda.free(buffer));
        return buffer;
    }

    /**
     * The task's commands: its kernels with argument values bound (launches is null for a matmul
     * by cuBLAS), or for a matmul with cuBLAS, the library call.
     */
    private List<Command> commands(Task task, List<KernelLaunch> launches, ModuleCache modules, Map<Integer, Long> scratch,
                                   MemorySegment cublas) {
        List<Long> tensors = task.args().stream().map(buffers::get).toList();
        if (cublas != null && task.op() instanceof Op.Matmul matmul) {
            Optional<KernelCall> epilogue = GemmEpilogue.launch(matmul, device.limits())
                    .map(l -> kernelCall(task.name(), "matmul", l, modules, tensors, scratch));
            return List.of(new LibraryMatmul(task.name(), cublas, ColumnMajorGemm.of(matmul), MemorySegment.ofAddress(tensors.get(1)),
                    MemorySegment.ofAddress(tensors.get(2)), MemorySegment.ofAddress(tensors.get(0)),
                    arena.allocateFrom(JAVA_FLOAT, 1f), arena.allocateFrom(JAVA_FLOAT, 0f), epilogue));
        }
        return launches.stream().<Command>map(l -> kernelCall(task.name(), task.op().name(), l, modules, tensors, scratch)).toList();
    }

    private KernelCall kernelCall(String name, String kind, KernelLaunch launch, ModuleCache modules, List<Long> tensors,
                                  Map<Integer, Long> scratch) {
        MemorySegment function = Cuda.function(modules.module(launch.program()), launch.kernel());
        CudaGrid grid = CudaGrid.of(launch);
        // Registers can leave a compiled kernel fewer threads per block than the device's maximum.
        int allowed = Cuda.functionAttribute(function, Cuda.FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
        if (grid.threadsPerBlock() > allowed)
            throw new IllegalStateException(launch + " has " + grid.threadsPerBlock() + " threads per block; compiled for "
                    + device + " it allows at most " + allowed);
        return new KernelCall(name, kind, function, grid, params(launch.args(), tensors, scratch));
    }

    /** The {@code void*[]} cuLaunchKernel reads: a pointer to each argument's value, in the arena for the graph's life. */
    private MemorySegment params(List<KernelArg> args, List<Long> tensors, Map<Integer, Long> scratch) {
        MemorySegment params = arena.allocate(ADDRESS, Math.max(1, args.size()));
        for (int i = 0; i < args.size(); i++) {
            MemorySegment value = switch (args.get(i)) {
                case KernelArg.Tensor t -> arena.allocateFrom(JAVA_LONG, tensors.get(t.index()));
                case KernelArg.Scratch b -> arena.allocateFrom(JAVA_LONG, scratch.get(b.index()));
                case KernelArg.Null none -> arena.allocateFrom(JAVA_LONG, 0L);
                case KernelArg.Int v -> arena.allocateFrom(JAVA_INT, v.value());
                case KernelArg.Float v -> arena.allocateFrom(JAVA_FLOAT, v.value());
            };
            params.setAtIndex(ADDRESS, i, value);
        }
        return params;
    }

    /** Host memory for a copy: the driver reads and writes it directly, so it must be off the Java heap. */
    private static MemorySegment host(Tensor t) {
        MemorySegment host = t.host();
        if (!host.isNative())
            throw new IllegalArgumentException("tensor " + t + " is on the Java heap; CUDA copies need off-heap memory (Tensor.allocate)");
        return host;
    }

    public ExecutionResult execute(boolean profile) {
        if (closed) throw new IllegalStateException("graph " + graph.name() + " was closed");
        long start = System.nanoTime();
        List<Command> queued = new ArrayList<>(commands.size());
        try {
            Cuda.setCurrent(context);
            if (profile) Cuda.record(events.getFirst(), stream);
            for (Command c : commands) {
                if (executed && c.firstExecutionOnly()) continue;
                c.enqueue(stream);
                queued.add(c);
                if (profile) Cuda.record(events.get(queued.size()), stream);
            }
            Cuda.synchronize(stream);
            executed = true;
            return new ExecutionResult(System.nanoTime() - start, profile ? times(queued) : List.of());
        } catch (RuntimeException e) {
            try {
                Cuda.synchronize(stream); // the commands already queued still use host memory
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e instanceof CudaException cuda ? device.userFacing(cuda, "running " + graph.name()) : e;
        }
    }

    public void copyToHost(Tensor tensor) {
        if (closed) throw new IllegalStateException("graph " + graph.name() + " was closed");
        Long buffer = buffers.get(tensor);
        if (buffer == null) throw new IllegalArgumentException(tensor + " is not a tensor of graph " + graph.name());
        if (!executed) return; // nothing was copied to the device yet: the host holds the values
        try {
            Cuda.setCurrent(context);
            Cuda.copyToHost(host(tensor), buffer, tensor.bytes(), stream);
            Cuda.synchronize(stream);
        } catch (CudaException e) {
            throw device.userFacing(e, "copying " + tensor.name() + " to the host");
        }
    }

    /** Each command's time on the GPU, between the events around it. */
    private List<TaskTime> times(List<Command> queued) {
        List<TaskTime> times = new ArrayList<>(queued.size());
        for (int i = 0; i < queued.size(); i++) {
            long nanos = Math.round(Cuda.elapsedMillis(events.get(i), events.get(i + 1)) * 1e6);
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
            if (context != null) Cuda.setCurrent(context);
            releases.close();
        } catch (RuntimeException e) {
            if (failure == null) throw e;
            failure.addSuppressed(e);
        } finally {
            arena.close();
        }
    }

    @Override
    public String toString() { return device.id() + ":" + graph.name(); }
}
