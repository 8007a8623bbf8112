package jvit.runtime.cuda;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import jvit.kernels.Op;
import jvit.runtime.Backend;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Devices;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import org.junit.jupiter.api.Assumptions;

/**
 * The CUDA device the tests run on, and running one operator there. Without a GPU the calling
 * test is skipped, unless {@code JVIT_REQUIRE_CUDA} is set (bench/gpu/run.sh sets it), when it fails.
 */
final class CudaTesting {
    private CudaTesting() {}

    static Backend backend() {
        return Devices.backends().stream().filter(b -> b.name().equals("cuda")).findFirst().orElseThrow();
    }

    /** {@code cuda:0}. */
    static CudaDevice device() {
        Backend cuda = backend();
        if (cuda.unavailable().isPresent()) {
            if (System.getenv("JVIT_REQUIRE_CUDA") != null) fail("JVIT_REQUIRE_CUDA is set but CUDA is unavailable: " + cuda.unavailable().get());
            Assumptions.abort("no CUDA: " + cuda.unavailable().get());
        }
        return (CudaDevice) cuda.devices().getFirst();
    }

    /** jvit's kernel, and cuBLAS where it is installed. */
    static List<Gemm> gemms() {
        return Cublas.problem().isEmpty() ? List.of(Gemm.JVIT, Gemm.CUBLAS) : List.of(Gemm.JVIT);
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

    /**
     * Runs {@code op} on cuda:0 in a graph of its own and returns its output. The output is copied
     * in poisoned with NaN, so an element the kernel does not write fails the comparison.
     */
    static double[] run(Op op, double[]... inputs) {
        CudaDevice device = device();
        long[] sizes = op.argElements();
        try (Arena arena = Arena.ofShared()) {
            Tensor[] args = new Tensor[sizes.length];
            args[0] = Tensor.of("out", poisoned(arena, sizes[0]), sizes[0]);
            for (int i = 1; i < sizes.length; i++) args[i] = Tensor.of("in" + i, segment(arena, inputs[i - 1]), sizes[i]);
            var graph = new TaskGraph(op.name())
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, args)
                    .task(op.name(), op, args)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, args[0])
                    .snapshot();
            try (var plan = new ExecutionPlan(graph, device)) {
                plan.execute();
            }
            return toDoubles(args[0].host(), (int) sizes[0]);
        }
    }

    /** Runs an operator whose output may be its input ({@code out = op(out)}) in place. */
    static double[] runInPlace(Op op, double[] x) {
        CudaDevice device = device();
        try (Arena arena = Arena.ofShared()) {
            Tensor t = Tensor.of("x", segment(arena, x), x.length);
            var graph = new TaskGraph(op.name() + "_in_place")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, t)
                    .task(op.name(), op, t, t)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, t)
                    .snapshot();
            try (var plan = new ExecutionPlan(graph, device)) {
                plan.execute();
            }
            return toDoubles(t.host(), x.length);
        }
    }
}
