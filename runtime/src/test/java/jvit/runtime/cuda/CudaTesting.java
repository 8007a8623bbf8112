package jvit.runtime.cuda;

import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import jvit.runtime.Backend;
import jvit.runtime.Device;
import jvit.runtime.Executable;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.TestDevices;
import org.junit.jupiter.api.Assumptions;

/**
 * The CUDA device the tests run on, with jvit's matmul kernel or with cuBLAS. Without a GPU the
 * calling test is skipped, unless {@code JVIT_REQUIRE_CUDA} is set (bench/gpu/run.sh sets it),
 * when it fails.
 */
public final class CudaTesting {
    private CudaTesting() {}

    static Backend backend() {
        return TestDevices.backend("cuda");
    }

    /** {@code cuda:0}. */
    static CudaDevice device() {
        return (CudaDevice) TestDevices.first("cuda");
    }

    /** cuda:0 computing every matmul by cuBLAS and the epilogue kernel; skipped where cuBLAS is not installed. */
    public static Device withCublas() {
        Device cuda = device();
        Assumptions.assumeTrue(Cublas.problem().isEmpty(), () -> "no cuBLAS: " + Cublas.problem().orElseThrow());
        return new CublasDevice(cuda);
    }

    /** A CUDA device whose graphs are loaded with {@code -Djvit.cuda.gemm=cublas}. */
    private record CublasDevice(Device cuda) implements Device {
        public String id() { return cuda.id(); }

        public String name() { return cuda.name(); }

        public Map<String, String> properties() { return cuda.properties(); }

        public Executable load(ImmutableTaskGraph graph) {
            return withGemm(Gemm.CUBLAS, () -> cuda.load(graph));
        }

        @Override
        public String toString() { return cuda + " with cuBLAS"; }
    }

    /** Runs {@code body} with graphs loaded meanwhile computing matmuls by {@code gemm}. */
    static <T> T withGemm(Gemm gemm, Supplier<T> body) {
        String before = System.getProperty(Gemm.PROPERTY);
        System.setProperty(Gemm.PROPERTY, gemm.name().toLowerCase(Locale.ROOT));
        try {
            return body.get();
        } finally {
            if (before == null) System.clearProperty(Gemm.PROPERTY);
            else System.setProperty(Gemm.PROPERTY, before);
        }
    }
}
