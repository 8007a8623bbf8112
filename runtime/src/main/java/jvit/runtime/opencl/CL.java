package jvit.runtime.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The OpenCL C API through FFM, kept thin: one method per function jvit uses, Java values in and
 * out, and every error code turned into a {@link CLException} naming the call. Handles
 * ({@code cl_platform_id}, {@code cl_context}, {@code cl_mem}, ...) are plain addresses. Loaded on
 * first use, which must come after {@link OpenCLLibrary#problem()} said the library is present.
 *
 * <p>Types: {@code cl_int}/{@code cl_uint} are {@code int}; {@code size_t}, {@code cl_ulong} and
 * bitfields are {@code long} (LP64).
 */
final class CL {
    // Parameter names and flags, from cl.h.
    static final long DEVICE_TYPE_ALL = 0xFFFFFFFFL;
    static final long DEVICE_TYPE_CPU = 1 << 1, DEVICE_TYPE_GPU = 1 << 2, DEVICE_TYPE_ACCELERATOR = 1 << 3;
    static final int PLATFORM_VERSION = 0x0901, PLATFORM_NAME = 0x0902;
    static final int DEVICE_TYPE = 0x1000, DEVICE_MAX_COMPUTE_UNITS = 0x1002, DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
    static final int DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT = 0x100A;
    static final int DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010, DEVICE_GLOBAL_MEM_SIZE = 0x101F, DEVICE_LOCAL_MEM_SIZE = 0x1023;
    static final int DEVICE_NAME = 0x102B, DEVICE_VENDOR = 0x102C, DRIVER_VERSION = 0x102D, DEVICE_VERSION = 0x102F;
    static final int DEVICE_OPENCL_C_VERSION = 0x103D;
    static final long CONTEXT_PLATFORM = 0x1084;
    static final long QUEUE_PROPERTIES = 0x1093, QUEUE_PROFILING_ENABLE = 1 << 1;
    static final long MEM_READ_WRITE = 1;
    static final int PROGRAM_NUM_DEVICES = 0x1162, PROGRAM_BINARY_SIZES = 0x1165, PROGRAM_BINARIES = 0x1166;
    static final int PROGRAM_BUILD_LOG = 0x1183;
    static final int PROFILING_COMMAND_START = 0x1282, PROFILING_COMMAND_END = 0x1283;
    static final int SUCCESS = 0, DEVICE_NOT_FOUND = -1, PLATFORM_NOT_FOUND_KHR = -1001;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle clGetPlatformIDs = bind("clGetPlatformIDs", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle clGetPlatformInfo = bind("clGetPlatformInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
    private static final MethodHandle clGetDeviceIDs = bind("clGetDeviceIDs", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle clGetDeviceInfo = bind("clGetDeviceInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
    private static final MethodHandle clCreateContext = bind("clCreateContext", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle clRetainContext = bind("clRetainContext", JAVA_INT, ADDRESS);
    private static final MethodHandle clReleaseContext = bind("clReleaseContext", JAVA_INT, ADDRESS);
    private static final MethodHandle clCreateCommandQueue = bind("clCreateCommandQueue", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle clCreateCommandQueueWithProperties =
            bind("clCreateCommandQueueWithProperties", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle clReleaseCommandQueue = bind("clReleaseCommandQueue", JAVA_INT, ADDRESS);
    private static final MethodHandle clCreateBuffer = bind("clCreateBuffer", ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS);
    private static final MethodHandle clReleaseMemObject = bind("clReleaseMemObject", JAVA_INT, ADDRESS);
    private static final MethodHandle clCreateProgramWithSource =
            bind("clCreateProgramWithSource", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle clCreateProgramWithBinary =
            bind("clCreateProgramWithBinary", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle clBuildProgram = bind("clBuildProgram", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle clGetProgramBuildInfo =
            bind("clGetProgramBuildInfo", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
    private static final MethodHandle clGetProgramInfo = bind("clGetProgramInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
    private static final MethodHandle clRetainProgram = bind("clRetainProgram", JAVA_INT, ADDRESS);
    private static final MethodHandle clReleaseProgram = bind("clReleaseProgram", JAVA_INT, ADDRESS);
    private static final MethodHandle clCreateKernel = bind("clCreateKernel", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle clReleaseKernel = bind("clReleaseKernel", JAVA_INT, ADDRESS);
    private static final MethodHandle clSetKernelArg = bind("clSetKernelArg", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS);
    private static final MethodHandle clEnqueueNDRangeKernel = bind("clEnqueueNDRangeKernel",
            JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle clEnqueueWriteBuffer = bind("clEnqueueWriteBuffer",
            JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle clEnqueueReadBuffer = bind("clEnqueueReadBuffer",
            JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle clFinish = bind("clFinish", JAVA_INT, ADDRESS);
    private static final MethodHandle clGetEventProfilingInfo =
            bind("clGetEventProfilingInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
    private static final MethodHandle clReleaseEvent = bind("clReleaseEvent", JAVA_INT, ADDRESS);

    private static final MemorySegment NULL = MemorySegment.NULL;

    /** The kinds of OpenCL object jvit creates, whose references it counts (see {@link #live()}). */
    enum Kind { CONTEXT, QUEUE, BUFFER, PROGRAM, KERNEL, EVENT }

    /** References held, per {@link Kind}: created or retained, less released. */
    private static final AtomicLongArray LIVE = new AtomicLongArray(Kind.values().length);

    private CL() {}

    /**
     * The references jvit holds to OpenCL objects now, per kind: a graph that is loaded and closed
     * must leave these as they were (only the device's context and program cache stay), else
     * something leaks in the driver, where no heap measurement sees it.
     */
    static Map<Kind, Long> live() {
        Map<Kind, Long> live = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) live.put(k, LIVE.get(k.ordinal()));
        return live;
    }

    private static MemorySegment counted(Kind kind, MemorySegment handle) {
        LIVE.incrementAndGet(kind.ordinal());
        return handle;
    }

    private static void retained(Kind kind) { LIVE.incrementAndGet(kind.ordinal()); }

    private static void released(Kind kind) { LIVE.decrementAndGet(kind.ordinal()); }

    @SuppressWarnings("restricted") // native access is granted by --enable-native-access (jvit.jvmFlags)
    private static MethodHandle bind(String name, MemoryLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(OpenCLLibrary.lookup().findOrThrow(name), FunctionDescriptor.of(result, args));
    }

    /** A native call returning a {@code cl_int} status. */
    @FunctionalInterface
    private interface Status {
        int call() throws Throwable;
    }

    /** A native call that reports its status through an {@code cl_int* errcode_ret}. */
    @FunctionalInterface
    private interface Creation {
        MemorySegment call(MemorySegment errcode) throws Throwable;
    }

    private static void check(String name, Status call) {
        int code;
        try {
            code = call.call();
        } catch (Throwable t) {
            throw new IllegalStateException(name + " could not be called", t);
        }
        if (code != SUCCESS) throw new CLException(name, code);
    }

    private static MemorySegment create(String name, Creation call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errcode = arena.allocate(JAVA_INT);
            MemorySegment handle;
            try {
                handle = call.call(errcode);
            } catch (Throwable t) {
                throw new IllegalStateException(name + " could not be called", t);
            }
            int code = errcode.get(JAVA_INT, 0);
            if (code != SUCCESS) throw new CLException(name, code);
            if (handle.address() == 0) throw new CLException(name, code, name + " returned no object and no error");
            return handle;
        }
    }

    // ---- Platforms and devices

    /** Every platform (driver) the ICD loader found; none when no driver is installed. */
    static List<MemorySegment> platforms() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            int code = invokeStatus(() -> (int) clGetPlatformIDs.invokeExact(0, NULL, count));
            if (code == PLATFORM_NOT_FOUND_KHR) return List.of();
            if (code != SUCCESS) throw new CLException("clGetPlatformIDs", code);
            int n = count.get(JAVA_INT, 0);
            MemorySegment ids = arena.allocate(ADDRESS, Math.max(1, n));
            check("clGetPlatformIDs", () -> (int) clGetPlatformIDs.invokeExact(n, ids, NULL));
            return addresses(ids, n);
        }
    }

    /** The devices of a platform; none when it has none. */
    static List<MemorySegment> devices(MemorySegment platform) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            int code = invokeStatus(() -> (int) clGetDeviceIDs.invokeExact(platform, DEVICE_TYPE_ALL, 0, NULL, count));
            if (code == DEVICE_NOT_FOUND) return List.of();
            if (code != SUCCESS) throw new CLException("clGetDeviceIDs", code);
            int n = count.get(JAVA_INT, 0);
            MemorySegment ids = arena.allocate(ADDRESS, Math.max(1, n));
            check("clGetDeviceIDs", () -> (int) clGetDeviceIDs.invokeExact(platform, DEVICE_TYPE_ALL, n, ids, NULL));
            return addresses(ids, n);
        }
    }

    static String platformString(MemorySegment platform, int param) {
        return string(info("clGetPlatformInfo", (size, value, sizeRet) ->
                (int) clGetPlatformInfo.invokeExact(platform, param, size, value, sizeRet)));
    }

    static String deviceString(MemorySegment device, int param) {
        return string(info("clGetDeviceInfo", (size, value, sizeRet) ->
                (int) clGetDeviceInfo.invokeExact(device, param, size, value, sizeRet)));
    }

    /** A numeric device property: a {@code cl_uint}, {@code cl_ulong}, {@code size_t} or bitfield. */
    static long deviceNumber(MemorySegment device, int param) {
        byte[] v = info("clGetDeviceInfo", (size, value, sizeRet) ->
                (int) clGetDeviceInfo.invokeExact(device, param, size, value, sizeRet));
        MemorySegment s = MemorySegment.ofArray(v);
        return v.length == 4 ? Integer.toUnsignedLong(s.get(JAVA_INT_UNALIGNED, 0)) : s.get(JAVA_LONG_UNALIGNED, 0);
    }

    /** An info query, {@code clGet*Info(..., size, value, size_ret)}. */
    @FunctionalInterface
    private interface InfoQuery {
        int call(long size, MemorySegment value, MemorySegment sizeRet) throws Throwable;
    }

    /** Asks for the size, then for the value. */
    private static byte[] info(String name, InfoQuery query) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(JAVA_LONG);
            check(name, () -> query.call(0, NULL, size));
            long n = size.get(JAVA_LONG, 0);
            MemorySegment value = arena.allocate(Math.max(1, n));
            check(name, () -> query.call(n, value, NULL));
            return value.asSlice(0, n).toArray(JAVA_BYTE);
        }
    }

    // ---- Contexts, queues, buffers

    static MemorySegment createContext(MemorySegment platform, MemorySegment device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment properties = arena.allocateFrom(JAVA_LONG, CONTEXT_PLATFORM, platform.address(), 0);
            MemorySegment devices = arena.allocateFrom(ADDRESS, device);
            return counted(Kind.CONTEXT,
                    create("clCreateContext", err -> (MemorySegment) clCreateContext.invokeExact(properties, 1, devices, NULL, NULL, err)));
        }
    }

    static void retainContext(MemorySegment context) {
        check("clRetainContext", () -> (int) clRetainContext.invokeExact(context));
        retained(Kind.CONTEXT);
    }

    static void releaseContext(MemorySegment context) {
        check("clReleaseContext", () -> (int) clReleaseContext.invokeExact(context));
        released(Kind.CONTEXT);
    }

    /**
     * An in-order queue with profiling enabled. Platforms of OpenCL 2.0 and later take properties
     * as a list; older ones only know {@code clCreateCommandQueue}, deprecated since.
     */
    static MemorySegment createQueue(MemorySegment context, MemorySegment device, boolean openCL2) {
        if (!openCL2)
            return counted(Kind.QUEUE, create("clCreateCommandQueue",
                    err -> (MemorySegment) clCreateCommandQueue.invokeExact(context, device, QUEUE_PROFILING_ENABLE, err)));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment properties = arena.allocateFrom(JAVA_LONG, QUEUE_PROPERTIES, QUEUE_PROFILING_ENABLE, 0);
            return counted(Kind.QUEUE, create("clCreateCommandQueueWithProperties",
                    err -> (MemorySegment) clCreateCommandQueueWithProperties.invokeExact(context, device, properties, err)));
        }
    }

    static void releaseQueue(MemorySegment queue) {
        check("clReleaseCommandQueue", () -> (int) clReleaseCommandQueue.invokeExact(queue));
        released(Kind.QUEUE);
    }

    static void finish(MemorySegment queue) {
        check("clFinish", () -> (int) clFinish.invokeExact(queue));
    }

    static MemorySegment createBuffer(MemorySegment context, long bytes) {
        return counted(Kind.BUFFER,
                create("clCreateBuffer", err -> (MemorySegment) clCreateBuffer.invokeExact(context, MEM_READ_WRITE, bytes, NULL, err)));
    }

    static void releaseBuffer(MemorySegment buffer) {
        check("clReleaseMemObject", () -> (int) clReleaseMemObject.invokeExact(buffer));
        released(Kind.BUFFER);
    }

    /** Queues a copy of {@code host} into the start of {@code buffer}, not waiting for it; {@code event} receives its event, or is NULL. */
    static void enqueueWrite(MemorySegment queue, MemorySegment buffer, MemorySegment host, long bytes, MemorySegment event) {
        check("clEnqueueWriteBuffer",
                () -> (int) clEnqueueWriteBuffer.invokeExact(queue, buffer, 0, 0L, bytes, host, 0, NULL, event));
        if (event.address() != 0) retained(Kind.EVENT);
    }

    /** Queues a copy of the start of {@code buffer} into {@code host}, not waiting for it. */
    static void enqueueRead(MemorySegment queue, MemorySegment buffer, MemorySegment host, long bytes, MemorySegment event) {
        check("clEnqueueReadBuffer",
                () -> (int) clEnqueueReadBuffer.invokeExact(queue, buffer, 0, 0L, bytes, host, 0, NULL, event));
        if (event.address() != 0) retained(Kind.EVENT);
    }

    // ---- Programs and kernels

    static MemorySegment createProgram(MemorySegment context, String source) {
        try (Arena arena = Arena.ofConfined()) {
            byte[] utf8 = source.getBytes(StandardCharsets.UTF_8);
            MemorySegment strings = arena.allocateFrom(ADDRESS, arena.allocateFrom(JAVA_BYTE, utf8));
            MemorySegment lengths = arena.allocateFrom(JAVA_LONG, utf8.length);
            return counted(Kind.PROGRAM, create("clCreateProgramWithSource",
                    err -> (MemorySegment) clCreateProgramWithSource.invokeExact(context, 1, strings, lengths, err)));
        }
    }

    /** A program from a binary {@link #programBinary} returned (or an FPGA toolchain produced) for this device. */
    static MemorySegment createProgram(MemorySegment context, MemorySegment device, byte[] binary) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment devices = arena.allocateFrom(ADDRESS, device);
            MemorySegment lengths = arena.allocateFrom(JAVA_LONG, binary.length);
            MemorySegment binaries = arena.allocateFrom(ADDRESS, arena.allocateFrom(JAVA_BYTE, binary));
            MemorySegment status = arena.allocate(JAVA_INT);
            MemorySegment program = counted(Kind.PROGRAM, create("clCreateProgramWithBinary",
                    err -> (MemorySegment) clCreateProgramWithBinary.invokeExact(context, 1, devices, lengths, binaries, status, err)));
            int code = status.get(JAVA_INT, 0);
            if (code != SUCCESS) {
                releaseProgram(program);
                throw new CLException("clCreateProgramWithBinary", code);
            }
            return program;
        }
    }

    /** Builds {@code program} for {@code device}; on failure, the exception names {@code source} and carries the compiler's log. */
    static void build(MemorySegment program, MemorySegment device, String options, String source) {
        int code;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment devices = arena.allocateFrom(ADDRESS, device);
            MemorySegment opts = arena.allocateFrom(options);
            code = invokeStatus(() -> (int) clBuildProgram.invokeExact(program, 1, devices, opts, NULL, NULL));
        }
        if (code != SUCCESS) throw new CLBuildException(source, code, buildLog(program, device));
    }

    static String buildLog(MemorySegment program, MemorySegment device) {
        return string(info("clGetProgramBuildInfo", (size, value, sizeRet) ->
                (int) clGetProgramBuildInfo.invokeExact(program, device, PROGRAM_BUILD_LOG, size, value, sizeRet)));
    }

    /** The device binary of a program built for one device, as {@link #createProgram(MemorySegment, MemorySegment, byte[])} takes it. */
    static byte[] programBinary(MemorySegment program) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            check("clGetProgramInfo", () -> (int) clGetProgramInfo.invokeExact(program, PROGRAM_NUM_DEVICES, 4L, count, NULL));
            int devices = count.get(JAVA_INT, 0);
            if (devices != 1) throw new IllegalArgumentException("the program is built for " + devices + " devices, not one");
            MemorySegment size = arena.allocate(JAVA_LONG);
            check("clGetProgramInfo", () -> (int) clGetProgramInfo.invokeExact(program, PROGRAM_BINARY_SIZES, 8L, size, NULL));
            MemorySegment binary = arena.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
            MemorySegment pointers = arena.allocateFrom(ADDRESS, binary);
            check("clGetProgramInfo", () -> (int) clGetProgramInfo.invokeExact(program, PROGRAM_BINARIES, 8L, pointers, NULL));
            return binary.asSlice(0, size.get(JAVA_LONG, 0)).toArray(JAVA_BYTE);
        }
    }

    static void retainProgram(MemorySegment program) {
        check("clRetainProgram", () -> (int) clRetainProgram.invokeExact(program));
        retained(Kind.PROGRAM);
    }

    static void releaseProgram(MemorySegment program) {
        check("clReleaseProgram", () -> (int) clReleaseProgram.invokeExact(program));
        released(Kind.PROGRAM);
    }

    static MemorySegment createKernel(MemorySegment program, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cname = arena.allocateFrom(name);
            return counted(Kind.KERNEL, create("clCreateKernel", err -> (MemorySegment) clCreateKernel.invokeExact(program, cname, err)));
        }
    }

    static void releaseKernel(MemorySegment kernel) {
        check("clReleaseKernel", () -> (int) clReleaseKernel.invokeExact(kernel));
        released(Kind.KERNEL);
    }

    /** Sets argument {@code index} to a buffer, or to a null pointer when {@code buffer} is NULL. */
    static void setBufferArg(MemorySegment kernel, int index, MemorySegment buffer) {
        try (Arena arena = Arena.ofConfined()) {
            setArgValue(kernel, index, arena.allocateFrom(ADDRESS, buffer));
        }
    }

    static void setArg(MemorySegment kernel, int index, int value) {
        try (Arena arena = Arena.ofConfined()) {
            setArgValue(kernel, index, arena.allocateFrom(JAVA_INT, value));
        }
    }

    static void setArg(MemorySegment kernel, int index, float value) {
        try (Arena arena = Arena.ofConfined()) {
            setArgValue(kernel, index, arena.allocateFrom(JAVA_FLOAT, value));
        }
    }

    /** Sets argument {@code index} to the bytes of {@code value}, which the call copies. */
    private static void setArgValue(MemorySegment kernel, int index, MemorySegment value) {
        long size = value.byteSize();
        check("clSetKernelArg", () -> (int) clSetKernelArg.invokeExact(kernel, index, size, value));
    }

    /**
     * Queues a launch over {@code dimensions} dimensions; {@code global} and {@code local} hold that
     * many {@code size_t}. {@code event} receives its event, or is NULL.
     */
    static void enqueueKernel(MemorySegment queue, MemorySegment kernel, int dimensions, MemorySegment global,
                              MemorySegment local, MemorySegment event) {
        check("clEnqueueNDRangeKernel",
                () -> (int) clEnqueueNDRangeKernel.invokeExact(queue, kernel, dimensions, NULL, global, local, 0, NULL, event));
        if (event.address() != 0) retained(Kind.EVENT);
    }

    // ---- Events

    /** A profiling timestamp of a finished command, in nanoseconds. */
    static long eventTime(MemorySegment event, int param) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            check("clGetEventProfilingInfo", () -> (int) clGetEventProfilingInfo.invokeExact(event, param, 8L, value, NULL));
            return value.get(JAVA_LONG, 0);
        }
    }

    static void releaseEvent(MemorySegment event) {
        check("clReleaseEvent", () -> (int) clReleaseEvent.invokeExact(event));
        released(Kind.EVENT);
    }

    // ---- Helpers

    private static int invokeStatus(Status call) {
        try {
            return call.call();
        } catch (Throwable t) {
            throw new IllegalStateException("OpenCL could not be called", t);
        }
    }

    private static List<MemorySegment> addresses(MemorySegment array, int n) {
        List<MemorySegment> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(array.getAtIndex(ADDRESS, i));
        return out;
    }

    /** A NUL-terminated string returned by an info query. */
    private static String string(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) n++;
        return new String(bytes, 0, n, StandardCharsets.UTF_8).strip();
    }
}
