package jvit.runtime.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jvit.kernels.Op;
import jvit.kernels.device.DeviceKernels;
import jvit.kernels.device.GemmEpilogue;
import jvit.kernels.device.KernelArg;
import jvit.kernels.device.KernelLaunch;
import jvit.runtime.Releases;
import jvit.runtime.Task;
import jvit.runtime.driver.DeviceDriver;

/**
 * CUDA for one graph loaded on a GPU: a stream in the device's primary context, buffers (device
 * pointers), each launch's kernel and argument values prepared once (modules come from the device's
 * cache), and with {@link Gemm#CUBLAS} each matmul by cuBLAS on the same stream. When profiling,
 * events recorded between the commands time each one on the GPU.
 */
final class CudaDriver implements DeviceDriver<Long, CudaDriver.Command> {
    private final CudaDevice device;
    private final Gemm gemm;
    private final Releases releases = new Releases();
    private final Arena arena = Arena.ofShared();
    private CudaDevice.Shared shared;
    private MemorySegment stream;
    private MemorySegment cublas;
    /** Profiling marks: the i-th before the i-th command queued, the next one after it. */
    private final List<MemorySegment> events = new ArrayList<>();

    /** One queued operation: a copy, a kernel launch or a library call. */
    sealed interface Command {
        void enqueue(MemorySegment stream);
    }

    private record CopyIn(long device, MemorySegment host, long bytes) implements Command {
        public void enqueue(MemorySegment stream) { Cuda.copyToDevice(device, host, bytes, stream); }
    }

    private record CopyOut(long device, MemorySegment host, long bytes) implements Command {
        public void enqueue(MemorySegment stream) { Cuda.copyToHost(host, device, bytes, stream); }
    }

    /** A kernel launch; {@code params} points at each argument's value, as cuLaunchKernel takes them. */
    private record KernelCall(MemorySegment function, CudaGrid grid, MemorySegment params) implements Command {
        public void enqueue(MemorySegment stream) { Cuda.launch(function, grid, stream, params); }
    }

    /** A matmul by cuBLAS, then its bias and activation by the epilogue kernel when it has them. */
    private record LibraryMatmul(MemorySegment handle, ColumnMajorGemm gemm, MemorySegment a, MemorySegment b, MemorySegment c,
                                 MemorySegment alpha, MemorySegment beta, Optional<KernelCall> epilogue) implements Command {
        public void enqueue(MemorySegment stream) {
            Cublas.gemm(handle, gemm, b, a, c, alpha, beta);
            epilogue.ifPresent(e -> e.enqueue(stream));
        }
    }

    CudaDriver(CudaDevice device, Gemm gemm) {
        this.device = device;
        this.gemm = gemm;
    }

    public String name() { return "CUDA"; }

    public void open() {
        this.shared = device.shared();
        MemorySegment s = Cuda.createStream();
        releases.add(() -> Cuda.destroyStream(s));
        this.stream = s;
    }

    public Long allocate(long bytes) {
        long buffer = Cuda.alloc(bytes);
        releases.add(() -> Cuda.free(buffer));
        return buffer;
    }

    public Command copyIn(Long buffer, MemorySegment host, long bytes) { return new CopyIn(buffer, host, bytes); }

    public Command copyOut(Long buffer, MemorySegment host, long bytes) { return new CopyOut(buffer, host, bytes); }

    /** None for a matmul by cuBLAS: its epilogue is part of the library call's command. */
    public List<KernelLaunch> kernels(Task task, Set<Integer> constant) {
        if (gemm == Gemm.CUBLAS && task.op() instanceof Op.Matmul) return List.of();
        return DeviceKernels.launches(task.op(), device.limits(), constant);
    }

    /** The task's kernels with argument values bound, or for a matmul by cuBLAS, the library call. */
    public List<Command> commands(Task task, List<KernelLaunch> kernels, List<Long> args, Map<Integer, Long> scratch,
                                  Map<Integer, Long> kept) {
        ModuleCache modules = shared.modules();
        if (gemm == Gemm.CUBLAS && task.op() instanceof Op.Matmul matmul) {
            Optional<KernelCall> epilogue = GemmEpilogue.launch(matmul, device.limits()).map(l -> kernelCall(l, modules, args, scratch, kept));
            return List.of(new LibraryMatmul(cublas(), ColumnMajorGemm.of(matmul), MemorySegment.ofAddress(args.get(1)),
                    MemorySegment.ofAddress(args.get(2)), MemorySegment.ofAddress(args.get(0)),
                    arena.allocateFrom(JAVA_FLOAT, 1f), arena.allocateFrom(JAVA_FLOAT, matmul.accumulate() ? 1f : 0f), epilogue));
        }
        return kernels.stream().<Command>map(l -> kernelCall(l, modules, args, scratch, kept)).toList();
    }

    /** A cuBLAS handle that queues on this graph's stream, created for the first matmul. */
    private MemorySegment cublas() {
        if (cublas == null) {
            MemorySegment handle = Cublas.create();
            releases.add(() -> Cublas.destroy(handle));
            Cublas.setStream(handle, stream);
            cublas = handle;
        }
        return cublas;
    }

    private KernelCall kernelCall(KernelLaunch launch, ModuleCache modules, List<Long> tensors, Map<Integer, Long> scratch,
                                  Map<Integer, Long> kept) {
        MemorySegment function = Cuda.function(modules.module(launch.program()), launch.kernel());
        CudaGrid grid = CudaGrid.of(launch);
        // Registers can leave a compiled kernel fewer threads per block than the device's maximum.
        int allowed = Cuda.functionAttribute(function, Cuda.FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
        if (grid.threadsPerBlock() > allowed)
            throw new IllegalStateException(launch + " has " + grid.threadsPerBlock() + " threads per block; compiled for "
                    + device + " it allows at most " + allowed);
        return new KernelCall(function, grid, params(launch.args(), tensors, scratch, kept));
    }

    /** The {@code void*[]} cuLaunchKernel reads: a pointer to each argument's value, in the arena for the graph's life. */
    private MemorySegment params(List<KernelArg> args, List<Long> tensors, Map<Integer, Long> scratch, Map<Integer, Long> kept) {
        MemorySegment params = arena.allocate(ADDRESS, Math.max(1, args.size()));
        for (int i = 0; i < args.size(); i++) {
            MemorySegment value = switch (args.get(i)) {
                case KernelArg.Tensor t -> arena.allocateFrom(JAVA_LONG, tensors.get(t.index()));
                case KernelArg.Scratch b -> arena.allocateFrom(JAVA_LONG, scratch.get(b.index()));
                case KernelArg.Kept b -> arena.allocateFrom(JAVA_LONG, kept.get(b.index()));
                case KernelArg.Null none -> arena.allocateFrom(JAVA_LONG, 0L);
                case KernelArg.Int v -> arena.allocateFrom(JAVA_INT, v.value());
                case KernelArg.Float v -> arena.allocateFrom(JAVA_FLOAT, v.value());
            };
            params.setAtIndex(ADDRESS, i, value);
        }
        return params;
    }

    public void prepareTimers(int commands) {
        for (int i = 0; i <= commands; i++) {
            MemorySegment event = Cuda.createEvent();
            releases.add(() -> Cuda.destroyEvent(event));
            events.add(event);
        }
    }

    /** CUDA contexts are current per thread: every execution makes the graph's current first. */
    public void begin(boolean profile) {
        Cuda.setCurrent(shared.context());
        if (profile) Cuda.record(events.getFirst(), stream);
    }

    public void enqueue(Command command, int index, boolean profile) {
        command.enqueue(stream);
        if (profile) Cuda.record(events.get(index + 1), stream);
    }

    public void finish() {
        Cuda.synchronize(stream);
    }

    /** Between the events around the command. */
    public long nanos(int index) {
        return Math.round(Cuda.elapsedMillis(events.get(index), events.get(index + 1)) * 1e6);
    }

    public void endProfile(int queued) {}

    public RuntimeException userFacing(RuntimeException e, String doing) {
        return e instanceof CudaException cuda ? device.userFacing(cuda, doing) : e;
    }

    public void close() {
        try {
            if (shared != null) Cuda.setCurrent(shared.context());
            releases.close();
        } finally {
            arena.close();
        }
    }
}
