package jvit.runtime.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The CUDA driver API through FFM, kept thin: one method per function jvit uses, Java values in
 * and out, every failure a {@link CudaException} naming the call. The versioned symbols
 * ({@code cuMemAlloc_v2}, ...) are the ones cuda.h maps the plain names to. Loaded on first use,
 * which must come after {@link DriverLibrary#problem()} said the driver is present.
 *
 * <p>Types: {@code CUresult}, {@code CUdevice}, enums and {@code unsigned int} are {@code int};
 * {@code CUdeviceptr} and {@code size_t} are {@code long}; contexts, streams, events, modules and
 * functions are addresses.
 */
final class Cuda {
    // From cuda.h.
    static final int DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1, DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8;
    static final int DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    static final int DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75, DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    static final int FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0;
    private static final int JIT_ERROR_LOG_BUFFER = 5, JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
    private static final int JIT_LOG_BYTES = 16 * 1024;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle cuGetErrorName = bind("cuGetErrorName", JAVA_INT, ADDRESS);
    private static final MethodHandle cuInit = bind("cuInit", JAVA_INT);
    private static final MethodHandle cuDriverGetVersion = bind("cuDriverGetVersion", ADDRESS);
    private static final MethodHandle cuDeviceGetCount = bind("cuDeviceGetCount", ADDRESS);
    private static final MethodHandle cuDeviceGet = bind("cuDeviceGet", ADDRESS, JAVA_INT);
    private static final MethodHandle cuDeviceGetName = bind("cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle cuDeviceGetAttribute = bind("cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle cuDeviceTotalMem = bind("cuDeviceTotalMem_v2", ADDRESS, JAVA_INT);
    private static final MethodHandle cuDevicePrimaryCtxRetain = bind("cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
    private static final MethodHandle cuCtxSetCurrent = bind("cuCtxSetCurrent", ADDRESS);
    private static final MethodHandle cuStreamCreate = bind("cuStreamCreate", ADDRESS, JAVA_INT);
    private static final MethodHandle cuStreamSynchronize = bind("cuStreamSynchronize", ADDRESS);
    private static final MethodHandle cuStreamDestroy = bind("cuStreamDestroy_v2", ADDRESS);
    private static final MethodHandle cuEventCreate = bind("cuEventCreate", ADDRESS, JAVA_INT);
    private static final MethodHandle cuEventRecord = bind("cuEventRecord", ADDRESS, ADDRESS);
    // The plain name, not cuEventElapsedTime_v2, which drivers before CUDA 12.8 lack.
    private static final MethodHandle cuEventElapsedTime = bind("cuEventElapsedTime", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle cuEventDestroy = bind("cuEventDestroy_v2", ADDRESS);
    private static final MethodHandle cuMemAlloc = bind("cuMemAlloc_v2", ADDRESS, JAVA_LONG);
    private static final MethodHandle cuMemFree = bind("cuMemFree_v2", JAVA_LONG);
    private static final MethodHandle cuMemGetInfo = bind("cuMemGetInfo_v2", ADDRESS, ADDRESS);
    private static final MethodHandle cuMemcpyHtoDAsync = bind("cuMemcpyHtoDAsync_v2", JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle cuMemcpyDtoHAsync = bind("cuMemcpyDtoHAsync_v2", ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
    private static final MethodHandle cuModuleLoadDataEx = bind("cuModuleLoadDataEx", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle cuModuleGetFunction = bind("cuModuleGetFunction", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle cuFuncGetAttribute = bind("cuFuncGetAttribute", ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle cuLaunchKernel = bind("cuLaunchKernel", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
            JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);

    private static final MemorySegment NULL = MemorySegment.NULL;

    private Cuda() {}

    /** Every driver function returns a {@code CUresult}. */
    @SuppressWarnings("restricted") // native access is granted by --enable-native-access (jvit.jvmFlags)
    private static MethodHandle bind(String name, MemoryLayout... args) {
        return LINKER.downcallHandle(DriverLibrary.lookup().findOrThrow(name), FunctionDescriptor.of(JAVA_INT, args));
    }

    /** A native call returning a {@code CUresult}. */
    @FunctionalInterface
    private interface Call {
        int call() throws Throwable;
    }

    private static void check(String name, Call call) {
        int code;
        try {
            code = call.call();
        } catch (Throwable t) {
            throw new IllegalStateException(name + " could not be called", t);
        }
        if (code != CudaResult.SUCCESS) throw CudaException.driver(name, code);
    }

    /** The driver's own name for a status code, if it knows the code. */
    @SuppressWarnings("restricted") // the name is a static NUL-terminated string of the driver's
    static Optional<String> errorName(int code) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(ADDRESS);
            int status;
            try {
                status = (int) cuGetErrorName.invokeExact(code, name);
            } catch (Throwable t) {
                return Optional.empty();
            }
            if (status != CudaResult.SUCCESS) return Optional.empty();
            return Optional.of(name.get(ADDRESS, 0).reinterpret(Long.MAX_VALUE).getString(0));
        }
    }

    // ---- Driver and devices

    static void init() {
        check("cuInit", () -> (int) cuInit.invokeExact(0));
    }

    /** The CUDA version the driver supports, 1000 · major + 10 · minor (12020 for 12.2). */
    static int driverVersion() {
        return intOut("cuDriverGetVersion", out -> (int) cuDriverGetVersion.invokeExact(out));
    }

    static int deviceCount() {
        return intOut("cuDeviceGetCount", out -> (int) cuDeviceGetCount.invokeExact(out));
    }

    /** The {@code CUdevice} of ordinal {@code i}. */
    static int device(int ordinal) {
        return intOut("cuDeviceGet", out -> (int) cuDeviceGet.invokeExact(out, ordinal));
    }

    static String deviceName(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(256);
            check("cuDeviceGetName", () -> (int) cuDeviceGetName.invokeExact(name, 256, device));
            return new String(name.toArray(JAVA_BYTE), StandardCharsets.UTF_8).replaceAll("\0.*", "").strip();
        }
    }

    static int attribute(int device, int attribute) {
        return intOut("cuDeviceGetAttribute", out -> (int) cuDeviceGetAttribute.invokeExact(out, attribute, device));
    }

    static long totalMemory(int device) {
        return longOut("cuDeviceTotalMem_v2", out -> (int) cuDeviceTotalMem.invokeExact(out, device));
    }

    // ---- Contexts and streams

    /** The device's primary context (the one the runtime API and cuBLAS share), retained. */
    static MemorySegment retainPrimaryContext(int device) {
        return addressOut("cuDevicePrimaryCtxRetain", out -> (int) cuDevicePrimaryCtxRetain.invokeExact(out, device));
    }

    /** Makes {@code context} the calling thread's current one, as every later call needs. */
    static void setCurrent(MemorySegment context) {
        check("cuCtxSetCurrent", () -> (int) cuCtxSetCurrent.invokeExact(context));
    }

    static MemorySegment createStream() {
        return addressOut("cuStreamCreate", out -> (int) cuStreamCreate.invokeExact(out, 0));
    }

    static void synchronize(MemorySegment stream) {
        check("cuStreamSynchronize", () -> (int) cuStreamSynchronize.invokeExact(stream));
    }

    static void destroyStream(MemorySegment stream) {
        check("cuStreamDestroy_v2", () -> (int) cuStreamDestroy.invokeExact(stream));
    }

    // ---- Events

    static MemorySegment createEvent() {
        return addressOut("cuEventCreate", out -> (int) cuEventCreate.invokeExact(out, 0));
    }

    static void record(MemorySegment event, MemorySegment stream) {
        check("cuEventRecord", () -> (int) cuEventRecord.invokeExact(event, stream));
    }

    /** Milliseconds between two completed events, to about half a microsecond. */
    static float elapsedMillis(MemorySegment start, MemorySegment end) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ms = arena.allocate(JAVA_FLOAT);
            check("cuEventElapsedTime", () -> (int) cuEventElapsedTime.invokeExact(ms, start, end));
            return ms.get(JAVA_FLOAT, 0);
        }
    }

    static void destroyEvent(MemorySegment event) {
        check("cuEventDestroy_v2", () -> (int) cuEventDestroy.invokeExact(event));
    }

    // ---- Memory

    /** Device memory of {@code bytes}; its address, a {@code CUdeviceptr}. */
    static long alloc(long bytes) {
        return longOut("cuMemAlloc_v2", out -> (int) cuMemAlloc.invokeExact(out, bytes));
    }

    static void free(long pointer) {
        check("cuMemFree_v2", () -> (int) cuMemFree.invokeExact(pointer));
    }

    /** Device memory free in the current context's device, in bytes. */
    static long freeMemory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG), total = arena.allocate(JAVA_LONG);
            check("cuMemGetInfo_v2", () -> (int) cuMemGetInfo.invokeExact(free, total));
            return free.get(JAVA_LONG, 0);
        }
    }

    /** Queues a copy of {@code host} to device memory on {@code stream}. */
    static void copyToDevice(long device, MemorySegment host, long bytes, MemorySegment stream) {
        check("cuMemcpyHtoDAsync_v2", () -> (int) cuMemcpyHtoDAsync.invokeExact(device, host, bytes, stream));
    }

    /** Queues a copy of device memory to {@code host} on {@code stream}. */
    static void copyToHost(MemorySegment host, long device, long bytes, MemorySegment stream) {
        check("cuMemcpyDtoHAsync_v2", () -> (int) cuMemcpyDtoHAsync.invokeExact(host, device, bytes, stream));
    }

    // ---- Modules and launches

    /**
     * Loads a module from PTX (NUL-terminated text, compiled here by the driver) or a CUBIN; when
     * it fails, the exception carries the driver's JIT log, which names {@code source}.
     */
    static MemorySegment loadModule(byte[] image, String source) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment module = arena.allocate(ADDRESS);
            MemorySegment data = arena.allocate(image.length + 1L);
            MemorySegment.copy(image, 0, data, JAVA_BYTE, 0, image.length);
            MemorySegment log = arena.allocate(JIT_LOG_BYTES);
            MemorySegment options = arena.allocateFrom(JAVA_INT, JIT_ERROR_LOG_BUFFER, JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
            // Option values are pointer-sized slots; the log size goes in one by value.
            MemorySegment values = arena.allocate(ADDRESS, 2);
            values.setAtIndex(ADDRESS, 0, log);
            values.setAtIndex(ADDRESS, 1, MemorySegment.ofAddress(JIT_LOG_BYTES));
            int code;
            try {
                code = (int) cuModuleLoadDataEx.invokeExact(module, data, 2, options, values);
            } catch (Throwable t) {
                throw new IllegalStateException("cuModuleLoadDataEx could not be called", t);
            }
            if (code != CudaResult.SUCCESS) {
                String name = CudaResult.name(code), jitLog = log.getString(0).strip();
                throw new CudaException("cuModuleLoadDataEx", name, false, source + ": cuModuleLoadDataEx: " + name + " (" + code
                        + ")" + (jitLog.isEmpty() ? "" : "; the driver said:\n" + jitLog));
            }
            return module.get(ADDRESS, 0);
        }
    }

    static MemorySegment function(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cname = arena.allocateFrom(name);
            return addressOut("cuModuleGetFunction", out -> (int) cuModuleGetFunction.invokeExact(out, module, cname));
        }
    }

    static int functionAttribute(MemorySegment function, int attribute) {
        return intOut("cuFuncGetAttribute", out -> (int) cuFuncGetAttribute.invokeExact(out, attribute, function));
    }

    /** Queues {@code function} over {@code grid} on {@code stream}; {@code params} holds a pointer to each argument's value. */
    static void launch(MemorySegment function, CudaGrid grid, MemorySegment stream, MemorySegment params) {
        check("cuLaunchKernel", () -> (int) cuLaunchKernel.invokeExact(function, grid.blocksX(), grid.blocksY(), grid.blocksZ(),
                grid.threadsX(), grid.threadsY(), grid.threadsZ(), 0, stream, params, NULL));
    }

    // ---- Helpers for calls that return a value through a pointer

    @FunctionalInterface
    private interface OutCall {
        int call(MemorySegment out) throws Throwable;
    }

    private static int intOut(String name, OutCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check(name, () -> call.call(out));
            return out.get(JAVA_INT, 0);
        }
    }

    private static long longOut(String name, OutCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check(name, () -> call.call(out));
            return out.get(JAVA_LONG, 0);
        }
    }

    private static MemorySegment addressOut(String name, OutCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(name, () -> call.call(out));
            return out.get(ADDRESS, 0);
        }
    }
}
