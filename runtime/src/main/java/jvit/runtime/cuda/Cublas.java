package jvit.runtime.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * cuBLAS through FFM: a handle bound to a stream, and float32 GEMM. The library is found at run
 * time ({@link LibrarySearch#cublas}); the symbols are the {@code _v2} ones that cublas_v2.h maps
 * the plain names to. Alpha and beta are read from host memory (cuBLAS's default pointer mode).
 */
final class Cublas {
    private static final int OP_N = 0, OP_T = 1;
    private static final int SUCCESS = 0, ALLOC_FAILED = 3;
    private static final LibrarySearch.Loaded LIBRARY = LibrarySearch.cublas(System.getenv()).load(System.getenv());

    private Cublas() {}

    /** Why cuBLAS cannot be used here, with what to install; empty when it loaded. */
    static Optional<String> problem() { return LIBRARY.problem(); }

    /** The library file. */
    static Path path() { return LIBRARY.path(); }

    /** The functions, bound on first use: only after {@link #problem()} was empty. */
    private static final class Bound {
        static final Linker LINKER = Linker.nativeLinker();
        static final MethodHandle cublasCreate = bind("cublasCreate_v2", ADDRESS);
        static final MethodHandle cublasDestroy = bind("cublasDestroy_v2", ADDRESS);
        static final MethodHandle cublasSetStream = bind("cublasSetStream_v2", ADDRESS, ADDRESS);
        static final MethodHandle cublasSgemm = bind("cublasSgemm_v2", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
        static final MethodHandle cublasSgemmStridedBatched = bind("cublasSgemmStridedBatched", ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_LONG, JAVA_INT);

        /** Every function returns a {@code cublasStatus_t}. */
        @SuppressWarnings("restricted") // native access is granted by --enable-native-access (jvit.jvmFlags)
        private static MethodHandle bind(String name, MemoryLayout... args) {
            return LINKER.downcallHandle(LIBRARY.lookup().findOrThrow(name), FunctionDescriptor.of(JAVA_INT, args));
        }
    }

    @FunctionalInterface
    private interface Call {
        int call() throws Throwable;
    }

    private static void check(String name, Call call) {
        int status;
        try {
            status = call.call();
        } catch (Throwable t) {
            throw new IllegalStateException(name + " could not be called", t);
        }
        if (status != SUCCESS) {
            String s = statusName(status);
            throw new CudaException(name, s, status == ALLOC_FAILED, name + ": " + s + " (" + status + ")");
        }
    }

    /** A handle in the calling thread's current context. */
    static MemorySegment create() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(ADDRESS);
            check("cublasCreate_v2", () -> (int) Bound.cublasCreate.invokeExact(handle));
            return handle.get(ADDRESS, 0);
        }
    }

    static void destroy(MemorySegment handle) {
        check("cublasDestroy_v2", () -> (int) Bound.cublasDestroy.invokeExact(handle));
    }

    /** Makes the handle's calls queue on {@code stream}. */
    static void setStream(MemorySegment handle, MemorySegment stream) {
        check("cublasSetStream_v2", () -> (int) Bound.cublasSetStream.invokeExact(handle, stream));
    }

    /**
     * Queues {@code result = alpha · op(first) · op(second) + beta · result} for each batch, as
     * {@code g} lays it out; {@code alpha} and {@code beta} are host floats.
     */
    static void gemm(MemorySegment handle, ColumnMajorGemm g, MemorySegment first, MemorySegment second, MemorySegment result,
                     MemorySegment alpha, MemorySegment beta) {
        int op = g.transposeFirst() ? OP_T : OP_N, op2 = g.transposeSecond() ? OP_T : OP_N;
        if (g.batch() == 1) {
            check("cublasSgemm_v2", () -> (int) Bound.cublasSgemm.invokeExact(handle, op, op2, g.m(), g.n(), g.k(), alpha,
                    first, g.ldFirst(), second, g.ldSecond(), beta, result, g.ldResult()));
        } else {
            check("cublasSgemmStridedBatched", () -> (int) Bound.cublasSgemmStridedBatched.invokeExact(handle, op, op2,
                    g.m(), g.n(), g.k(), alpha, first, g.ldFirst(), g.strideFirst(), second, g.ldSecond(), g.strideSecond(),
                    beta, result, g.ldResult(), g.strideResult(), g.batch()));
        }
    }

    /** The name of a {@code cublasStatus_t}, as in cublas_api.h. */
    static String statusName(int status) {
        return STATUSES.getOrDefault(status, "CUBLAS_STATUS_UNKNOWN");
    }

    private static final Map<Integer, String> STATUSES = Map.of(
            0, "CUBLAS_STATUS_SUCCESS",
            1, "CUBLAS_STATUS_NOT_INITIALIZED",
            3, "CUBLAS_STATUS_ALLOC_FAILED",
            7, "CUBLAS_STATUS_INVALID_VALUE",
            8, "CUBLAS_STATUS_ARCH_MISMATCH",
            11, "CUBLAS_STATUS_MAPPING_ERROR",
            13, "CUBLAS_STATUS_EXECUTION_FAILED",
            14, "CUBLAS_STATUS_INTERNAL_ERROR",
            15, "CUBLAS_STATUS_NOT_SUPPORTED",
            16, "CUBLAS_STATUS_LICENSE_ERROR");
}
