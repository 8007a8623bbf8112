package jvit.runtime.cuda;

import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import jvit.kernels.device.DeviceLimits;
import jvit.runtime.Device;
import jvit.runtime.Executable;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.UserError;
import jvit.runtime.driver.DriverExecutable;

/**
 * One CUDA GPU. Its primary context and compiled modules are set up on first load and shared by
 * every graph loaded here; each graph gets its own stream, buffers and launches. CUDA contexts are
 * current per thread, so every entry point makes the context current first.
 */
final class CudaDevice implements Device {
    private final String id;
    private final int device;
    private final int driverVersion;
    private final int capability;
    private final String name;
    private final Map<String, String> properties;
    private final DeviceLimits limits;
    private Shared shared;

    /** The primary context and the modules loaded in it. */
    record Shared(MemorySegment context, ModuleCache modules) {}

    CudaDevice(String id, int device, int driverVersion) {
        this.id = id;
        this.device = device;
        this.driverVersion = driverVersion;
        this.name = Cuda.deviceName(device);
        this.capability = 10 * Cuda.attribute(device, Cuda.DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
                + Cuda.attribute(device, Cuda.DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        int maxThreads = Cuda.attribute(device, Cuda.DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
        // Static __shared__ arrays, which the kernels use, get at most this much (48 KiB) on every GPU.
        int sharedMemory = Cuda.attribute(device, Cuda.DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK);
        int multiprocessors = Cuda.attribute(device, Cuda.DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        this.limits = new DeviceLimits(DeviceLimits.DeviceType.GPU, maxThreads, sharedMemory, multiprocessors, 1);

        Map<String, String> p = new LinkedHashMap<>();
        p.put("type", "GPU");
        p.put("vendor", "NVIDIA");
        p.put("compute capability", capability / 10 + "." + capability % 10);
        p.put("multiprocessors", Integer.toString(Cuda.attribute(device, Cuda.DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)));
        p.put("global memory", String.format("%.1f GiB", Cuda.totalMemory(device) / (double) (1L << 30)));
        p.put("shared memory", sharedMemory / 1024 + " KiB per block");
        p.put("max threads", maxThreads + " per block");
        p.put("driver", "CUDA " + CompileTarget.version(driverVersion));
        p.put("NVRTC", Nvrtc.path() + " (" + CompileTarget.version(Nvrtc.version()) + ")");
        p.put("cuBLAS", Cublas.problem().isEmpty() ? Cublas.path() + " (-D" + Gemm.PROPERTY + "=cublas)" : "not found");
        this.properties = Collections.unmodifiableMap(p);
    }

    public String id() { return id; }

    public String name() { return name; }

    public Map<String, String> properties() { return properties; }

    public Executable load(ImmutableTaskGraph graph) {
        Gemm gemm = Gemm.selected();
        if (gemm == Gemm.CUBLAS && Cublas.problem().isPresent())
            throw new UserError("-D" + Gemm.PROPERTY + "=cublas but " + Cublas.problem().get());
        return new DriverExecutable<>(id, graph, new CudaDriver(this, gemm));
    }

    /** A failure the user can act on becomes a one-line {@link UserError} naming this device; any other stays as it is. */
    RuntimeException userFacing(CudaException e, String doing) {
        if (!e.deviceExhausted()) return e;
        return new UserError(id + " (" + name + ") failed " + doing + ": " + e.getMessage()
                + "; the device is out of memory or resources: use a smaller --batch or another --device", e);
    }

    DeviceLimits limits() { return limits; }

    /** The primary context, made current on this thread, and the modules; created on first use. */
    synchronized Shared shared() {
        if (shared == null) {
            MemorySegment context = Cuda.retainPrimaryContext(device);
            Cuda.setCurrent(context);
            CompileTarget target = CompileTarget.choose(capability, driverVersion, Nvrtc.version(), Nvrtc.supportedArchs());
            shared = new Shared(context, new ModuleCache(target));
        }
        Cuda.setCurrent(shared.context());
        return shared;
    }

    @Override
    public String toString() { return id + " (" + name + ")"; }
}
