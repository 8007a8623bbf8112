package jvit.runtime.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * NVRTC, CUDA's run-time compiler, through FFM: CUDA C source in, PTX or CUBIN out, the
 * compiler's log on failure. The library is found at run time ({@link LibrarySearch#nvrtc}).
 */
final class Nvrtc {
    private static final int SUCCESS = 0, ERROR_OUT_OF_MEMORY = 1, ERROR_COMPILATION = 6;
    private static final LibrarySearch.Loaded LIBRARY = LibrarySearch.nvrtc(System.getenv()).load(System.getenv());

    private Nvrtc() {}

    /** Why NVRTC cannot be used here, with what to install; empty when it loaded. */
    static Optional<String> problem() { return LIBRARY.problem(); }

    /** The library file. */
    static Path path() { return LIBRARY.path(); }

    /** The functions, bound on first use: only after {@link #problem()} was empty. */
    private static final class Bound {
        static final Linker LINKER = Linker.nativeLinker();
        static final MethodHandle nvrtcGetErrorString = LINKER.downcallHandle(LIBRARY.lookup().findOrThrow("nvrtcGetErrorString"),
                FunctionDescriptor.of(ADDRESS, JAVA_INT));
        static final MethodHandle nvrtcVersion = bind("nvrtcVersion", ADDRESS, ADDRESS);
        static final MethodHandle nvrtcGetNumSupportedArchs = bind("nvrtcGetNumSupportedArchs", ADDRESS);
        static final MethodHandle nvrtcGetSupportedArchs = bind("nvrtcGetSupportedArchs", ADDRESS);
        static final MethodHandle nvrtcCreateProgram = bind("nvrtcCreateProgram", ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        static final MethodHandle nvrtcCompileProgram = bind("nvrtcCompileProgram", ADDRESS, JAVA_INT, ADDRESS);
        static final MethodHandle nvrtcGetProgramLogSize = bind("nvrtcGetProgramLogSize", ADDRESS, ADDRESS);
        static final MethodHandle nvrtcGetProgramLog = bind("nvrtcGetProgramLog", ADDRESS, ADDRESS);
        static final MethodHandle nvrtcGetPTXSize = bind("nvrtcGetPTXSize", ADDRESS, ADDRESS);
        static final MethodHandle nvrtcGetPTX = bind("nvrtcGetPTX", ADDRESS, ADDRESS);
        static final MethodHandle nvrtcGetCUBINSize = bind("nvrtcGetCUBINSize", ADDRESS, ADDRESS);
        static final MethodHandle nvrtcGetCUBIN = bind("nvrtcGetCUBIN", ADDRESS, ADDRESS);
        static final MethodHandle nvrtcDestroyProgram = bind("nvrtcDestroyProgram", ADDRESS);

        /** Every function but nvrtcGetErrorString returns an {@code nvrtcResult}. */
        @SuppressWarnings("restricted") // native access is granted by --enable-native-access (jvit.jvmFlags)
        private static MethodHandle bind(String name, MemoryLayout... args) {
            return LINKER.downcallHandle(LIBRARY.lookup().findOrThrow(name), FunctionDescriptor.of(JAVA_INT, args));
        }
    }

    @FunctionalInterface
    private interface Call {
        int call() throws Throwable;
    }

    private static int invoke(String name, Call call) {
        try {
            return call.call();
        } catch (Throwable t) {
            throw new IllegalStateException(name + " could not be called", t);
        }
    }

    private static void check(String name, Call call) {
        int code = invoke(name, call);
        if (code != SUCCESS) throw error(name, code);
    }

    private static CudaException error(String call, int code) {
        String status = errorString(code);
        return new CudaException(call, status, code == ERROR_OUT_OF_MEMORY, call + ": " + status + " (" + code + ")");
    }

    @SuppressWarnings("restricted") // NVRTC's error strings are static NUL-terminated strings
    private static String errorString(int code) {
        try {
            MemorySegment s = (MemorySegment) Bound.nvrtcGetErrorString.invokeExact(code);
            return s.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            return "NVRTC_ERROR_" + code;
        }
    }

    /** NVRTC's version as the driver writes CUDA versions, 1000 · major + 10 · minor. */
    static int version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(JAVA_INT), minor = arena.allocate(JAVA_INT);
            check("nvrtcVersion", () -> (int) Bound.nvrtcVersion.invokeExact(major, minor));
            return 1000 * major.get(JAVA_INT, 0) + 10 * minor.get(JAVA_INT, 0);
        }
    }

    /** The architectures it can compile for, 10 · major + minor. */
    static int[] supportedArchs() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            check("nvrtcGetNumSupportedArchs", () -> (int) Bound.nvrtcGetNumSupportedArchs.invokeExact(count));
            MemorySegment archs = arena.allocate(JAVA_INT, Math.max(1, count.get(JAVA_INT, 0)));
            check("nvrtcGetSupportedArchs", () -> (int) Bound.nvrtcGetSupportedArchs.invokeExact(archs));
            return archs.asSlice(0, count.get(JAVA_INT, 0) * JAVA_INT.byteSize()).toArray(JAVA_INT);
        }
    }

    /**
     * Compiles CUDA C {@code source} (named {@code name} in messages) with {@code options}, such as
     * {@code --gpu-architecture=compute_90} and {@code -DHEAD_DIM=64}. Returns the PTX, with
     * its terminating NUL, or with {@code cubin} the CUBIN.
     */
    static byte[] compile(String source, String name, List<String> options, boolean cubin) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(ADDRESS);
            MemorySegment text = arena.allocateFrom(source), label = arena.allocateFrom(name);
            check("nvrtcCreateProgram",
                    () -> (int) Bound.nvrtcCreateProgram.invokeExact(handle, text, label, 0, MemorySegment.NULL, MemorySegment.NULL));
            MemorySegment program = handle.get(ADDRESS, 0);
            try {
                MemorySegment opts = arena.allocate(ADDRESS, Math.max(1, options.size()));
                for (int i = 0; i < options.size(); i++) opts.setAtIndex(ADDRESS, i, arena.allocateFrom(options.get(i)));
                int code = invoke("nvrtcCompileProgram", () -> (int) Bound.nvrtcCompileProgram.invokeExact(program, options.size(), opts));
                if (code == ERROR_COMPILATION) throw new NvrtcCompileException(name, options, log(program));
                if (code != SUCCESS) throw error("nvrtcCompileProgram", code);
                return cubin ? output("nvrtcGetCUBIN", Bound.nvrtcGetCUBINSize, Bound.nvrtcGetCUBIN, program)
                        : output("nvrtcGetPTX", Bound.nvrtcGetPTXSize, Bound.nvrtcGetPTX, program);
            } finally {
                check("nvrtcDestroyProgram", () -> (int) Bound.nvrtcDestroyProgram.invokeExact(handle));
            }
        }
    }

    private static String log(MemorySegment program) {
        byte[] log = output("nvrtcGetProgramLog", Bound.nvrtcGetProgramLogSize, Bound.nvrtcGetProgramLog, program);
        int n = 0;
        while (n < log.length && log[n] != 0) n++;
        return new String(log, 0, n, StandardCharsets.UTF_8);
    }

    /** A {@code nvrtcGetXSize(program, size_t*)} then {@code nvrtcGetX(program, char*)} pair. */
    private static byte[] output(String name, MethodHandle size, MethodHandle get, MemorySegment program) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(JAVA_LONG);
            check(name + "Size", () -> (int) size.invokeExact(program, n));
            MemorySegment bytes = arena.allocate(Math.max(1, n.get(JAVA_LONG, 0)));
            check(name, () -> (int) get.invokeExact(program, bytes));
            return bytes.asSlice(0, n.get(JAVA_LONG, 0)).toArray(JAVA_BYTE);
        }
    }
}
