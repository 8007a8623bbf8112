package jvit.runtime.opencl;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jvit.kernels.device.DeviceLimits;
import jvit.kernels.device.DeviceLimits.DeviceType;
import jvit.runtime.Device;
import jvit.runtime.Executable;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.UserError;
import jvit.runtime.driver.DriverExecutable;

/**
 * One OpenCL device. Its context and built programs are created on first load and shared by every
 * graph loaded here (compiling is the slow part); each graph gets its own queue, buffers and
 * kernels. Programs are compiled from source, or, for a device made by
 * {@link #withProgramBinaries}, loaded from a kernel binary file.
 */
final class OpenCLDevice implements Device {
    private static final Pattern VERSION = Pattern.compile("OpenCL (\\d+)\\.");

    private final String id;
    private final MemorySegment platform;
    private final MemorySegment device;
    private final String name;
    private final Map<String, String> properties;
    private final DeviceLimits limits;
    private final boolean openCL2;
    /** Makes, for the context, what builds this device's programs: a compiler of sources, or a loader of binaries. */
    private final Function<MemorySegment, ProgramBuilder> programs;
    private Shared shared;
    /** The devices {@link #withProgramBinaries} made, by their file's path (which messages name) and {@link KernelBinaryFile#fingerprint()}. */
    private final Map<String, OpenCLDevice> fromBinaries = new HashMap<>();

    /** The context and the programs built in it. */
    record Shared(MemorySegment context, ProgramCache programs) {}

    OpenCLDevice(String id, MemorySegment platform, MemorySegment device) {
        this.id = id;
        this.platform = platform;
        this.device = device;
        this.name = CL.deviceString(device, CL.DEVICE_NAME);
        long typeBits = CL.deviceNumber(device, CL.DEVICE_TYPE);
        long maxGroup = CL.deviceNumber(device, CL.DEVICE_MAX_WORK_GROUP_SIZE);
        long localMemory = CL.deviceNumber(device, CL.DEVICE_LOCAL_MEM_SIZE);
        long computeUnits = CL.deviceNumber(device, CL.DEVICE_MAX_COMPUTE_UNITS);
        long vectorWidth = CL.deviceNumber(device, CL.DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT);
        this.limits = new DeviceLimits(deviceType(typeBits), (int) Math.min(Integer.MAX_VALUE, maxGroup), localMemory,
                (int) Math.clamp(computeUnits, 1, Integer.MAX_VALUE), (int) Math.clamp(vectorWidth, 1, 16));
        String platformVersion = CL.platformString(platform, CL.PLATFORM_VERSION);
        Matcher m = VERSION.matcher(platformVersion);
        this.openCL2 = m.find() && Integer.parseInt(m.group(1)) >= 2;

        Map<String, String> p = new LinkedHashMap<>();
        p.put("type", type(typeBits));
        p.put("vendor", CL.deviceString(device, CL.DEVICE_VENDOR));
        p.put("platform", CL.platformString(platform, CL.PLATFORM_NAME));
        p.put("compute units", Long.toString(computeUnits));
        p.put("global memory", bytes(CL.deviceNumber(device, CL.DEVICE_GLOBAL_MEM_SIZE)));
        p.put("max allocation", bytes(CL.deviceNumber(device, CL.DEVICE_MAX_MEM_ALLOC_SIZE)));
        p.put("local memory", bytes(localMemory));
        p.put("max work-group", Long.toString(maxGroup));
        p.put("float vector", vectorWidth + " floats preferred");
        p.put("driver", CL.deviceString(device, CL.DRIVER_VERSION));
        p.put("version", CL.deviceString(device, CL.DEVICE_VERSION));
        p.put("OpenCL C", CL.deviceString(device, CL.DEVICE_OPENCL_C_VERSION));
        this.properties = Collections.unmodifiableMap(p);
        this.programs = context -> new SourceCompiler(context, device);
    }

    /** The same device, with its own context, launching for {@code limits}, its programs built by {@code programs}. */
    private OpenCLDevice(OpenCLDevice base, DeviceLimits limits, Function<MemorySegment, ProgramBuilder> programs) {
        this.id = base.id;
        this.platform = base.platform;
        this.device = base.device;
        this.name = base.name;
        this.properties = base.properties;
        this.limits = limits;
        this.openCL2 = base.openCL2;
        this.programs = programs;
    }

    /**
     * The same device, launching kernels as if it had these limits (with a context of its own): how
     * tests run a kernel variant meant for another kind of device, such as the GPU's on PoCL.
     */
    OpenCLDevice withLimits(DeviceLimits limits) {
        return new OpenCLDevice(this, limits, programs);
    }

    public String id() { return id; }

    public String name() { return name; }

    public Map<String, String> properties() { return properties; }

    public Executable load(ImmutableTaskGraph graph) {
        return new DriverExecutable<>(id, graph, new OpenCLDriver(this));
    }

    /**
     * Refuses a file made for another device before any of its binaries reaches the driver, and one
     * whose programs kill the process that builds them before this process builds them (see
     * {@link BinaryProbe}). The device made holds a context and the programs built in it for its
     * life, so the same file with the same contents gets the same device again: loading it anew
     * costs nothing more.
     */
    @Override
    public Device withProgramBinaries(Path file) {
        return withProgramBinaries(file, BinaryProbe.standard());
    }

    /** {@link #withProgramBinaries(Path)}, checking the file's programs with {@code probe}. */
    Device withProgramBinaries(Path file, BinaryProbe probe) {
        KernelBinaryFile binaries = KernelBinaryFile.read(file);
        DeviceIdentity here = identity();
        if (!binaries.device().equals(here))
            throw UserError.inFile(file, "was made for the device " + binaries.device() + ", not for " + id + " " + here
                    + "; make one on this device with `vit kernels build --device " + id + "`");
        synchronized (fromBinaries) {
            return fromBinaries.computeIfAbsent(file.toAbsolutePath() + " " + binaries.fingerprint(), f -> {
                probe.require(file, binaries, this);
                return new OpenCLDevice(this, limits, context -> new BinaryLoader(file, binaries, context, device));
            });
        }
    }

    DeviceIdentity identity() {
        return DeviceIdentity.of(device);
    }

    /** A failure the user can act on becomes a one-line {@link UserError} naming this device; any other stays as it is. */
    RuntimeException userFacing(CLException e, String doing) {
        if (!e.deviceExhausted()) return e;
        return new UserError(id + " (" + name + ") failed " + doing + ": " + e.getMessage()
                + "; the device is out of memory or resources, or lost: use a smaller --batch or another --device", e);
    }

    DeviceLimits limits() { return limits; }

    MemorySegment handle() { return device; }

    boolean openCL2() { return openCL2; }

    /** The device's context and program cache, created on first use. */
    synchronized Shared shared() {
        if (shared == null) {
            MemorySegment context = CL.createContext(platform, device);
            shared = new Shared(context, new ProgramCache(programs.apply(context)));
        }
        return shared;
    }

    /** Which kernel variants suit the device; custom devices (FPGAs among them) take the accelerator's. */
    private static DeviceType deviceType(long bits) {
        if ((bits & CL.DEVICE_TYPE_GPU) != 0) return DeviceType.GPU;
        if ((bits & CL.DEVICE_TYPE_CPU) != 0 && (bits & CL.DEVICE_TYPE_ACCELERATOR) == 0) return DeviceType.CPU;
        return DeviceType.ACCELERATOR;
    }

    private static String type(long bits) {
        if ((bits & CL.DEVICE_TYPE_GPU) != 0) return "GPU";
        if ((bits & CL.DEVICE_TYPE_ACCELERATOR) != 0) return "ACCELERATOR";
        if ((bits & CL.DEVICE_TYPE_CPU) != 0) return "CPU";
        return "CUSTOM";
    }

    private static String bytes(long n) {
        if (n >= 1L << 30) return String.format("%.1f GiB", n / (double) (1L << 30));
        if (n >= 1L << 20) return String.format("%.1f MiB", n / (double) (1L << 20));
        return String.format("%.1f KiB", n / 1024.0);
    }

    @Override
    public String toString() { return id + " (" + name + ")"; }
}
