package jvit.runtime.opencl;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static jvit.kernels.Tensors.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.Reference64;
import jvit.kernels.device.GemmEpilogue;
import jvit.kernels.device.KernelArg;
import jvit.kernels.device.KernelLaunch;
import jvit.runtime.Releases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * bias_activation.cl, the epilogue CUDA runs after a cuBLAS GEMM, on opencl:0: C holding the bare
 * product becomes what the fused matmul kernel computes.
 */
class GemmEpilogueKernelTest {
    @ParameterizedTest(name = "batch={0} m={1} n={2} bias={3} gelu={4}")
    @CsvSource({"1, 1, 1, true, false", "2, 17, 31, true, true", "3, 13, 5, false, true", "1, 67, 257, true, false"})
    void theEpilogueFinishesABareProduct(int batch, int m, int n, boolean bias, boolean gelu) {
        Random random = random();
        int k = 7;
        double[] a = roundToFloat(uniform(random, batch * m * k, 1)), b = roundToFloat(uniform(random, batch * n * k, 1));
        double[] c = roundToFloat(uniform(random, n, 1));
        var op = new Op.Matmul(batch, m, n, k, false, true, bias, gelu ? Activation.GELU : Activation.NONE);
        double[] product = roundToFloat(Reference64.matmul(a, b, null, batch, m, n, k, false, true, false));
        KernelLaunch launch = GemmEpilogue.launch(op, OpenCLTesting.device().limits()).orElseThrow();

        OpenCLDevice device = OpenCLTesting.device();
        MemorySegment context = device.shared().context();
        try (Arena arena = Arena.ofConfined(); Releases releases = new Releases()) {
            MemorySegment program = device.shared().programs().acquire(launch.program());
            releases.add(() -> CL.releaseProgram(program));
            MemorySegment kernel = CL.createKernel(program, launch.kernel());
            releases.add(() -> CL.releaseKernel(kernel));
            MemorySegment queue = CL.createQueue(context, device.handle(), device.openCL2());
            releases.add(() -> CL.releaseQueue(queue));
            MemorySegment cBuffer = buffer(releases, context, queue, arena, product);
            MemorySegment biasBuffer = buffer(releases, context, queue, arena, c);
            List<MemorySegment> tensors = List.of(cBuffer, MemorySegment.NULL, MemorySegment.NULL, biasBuffer);
            List<KernelArg> args = launch.args();
            for (int i = 0; i < args.size(); i++) {
                switch (args.get(i)) {
                    case KernelArg.Tensor t -> CL.setBufferArg(kernel, i, tensors.get(t.index()));
                    case KernelArg.Null none -> CL.setBufferArg(kernel, i, MemorySegment.NULL);
                    case KernelArg.Scratch none -> throw new AssertionError("the epilogue needs no scratch");
                    case KernelArg.Kept none -> throw new AssertionError("the epilogue keeps no buffers");
                    case KernelArg.Int v -> CL.setArg(kernel, i, v.value());
                    case KernelArg.Float v -> CL.setArg(kernel, i, v.value());
                }
            }
            CL.enqueueKernel(queue, kernel, 1, arena.allocateFrom(JAVA_LONG, launch.global()),
                    arena.allocateFrom(JAVA_LONG, launch.local()), MemorySegment.NULL);
            MemorySegment result = poisoned(arena, product.length);
            CL.enqueueRead(queue, cBuffer, result, 4L * product.length, MemorySegment.NULL);
            CL.finish(queue);
            double[] expected = Reference64.matmul(a, b, bias ? c : null, batch, m, n, k, false, true, gelu);
            assertClose("epilogue " + random, expected, result, 1e-5, 1e-6 * (k + 1));
        }
    }

    /** A buffer holding {@code values}, once the queue has run. */
    private static MemorySegment buffer(Releases releases, MemorySegment context, MemorySegment queue, Arena arena, double[] values) {
        MemorySegment buffer = CL.createBuffer(context, 4L * values.length);
        releases.add(() -> CL.releaseBuffer(buffer));
        MemorySegment host = segment(arena, values);
        CL.enqueueWrite(queue, buffer, host, 4L * values.length, MemorySegment.NULL);
        return buffer;
    }
}
