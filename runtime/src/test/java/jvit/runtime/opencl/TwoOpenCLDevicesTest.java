package jvit.runtime.opencl;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.Reference64;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Two plans on two OpenCL devices at once, each with its own context, queue and programs. Run by
 * its own surefire execution with {@code POCL_DEVICES="pthread pthread"} (PoCL reads it when the
 * ICD loader starts, so it needs a JVM of its own); skipped where fewer than two devices exist.
 */
class TwoOpenCLDevicesTest {
    @Test
    void plansOnTwoDevicesRunSideBySideAndAgree() throws Exception {
        List<Device> devices = OpenCLTesting.backend().devices();
        Assumptions.assumeTrue(devices.size() >= 2, "needs two OpenCL devices (POCL_DEVICES=\"pthread pthread\")");
        Random random = random();
        int batch = 2, tokens = 37, heads = 3, headDim = 8, width = heads * headDim;
        double[] x = roundToFloat(uniform(random, batch * tokens * width, 1));
        double[] w = roundToFloat(uniform(random, 3 * width * width, 0.3)), b = roundToFloat(uniform(random, 3 * width, 0.1));
        double[] qkv = Reference64.matmul(x, w, b, 1, batch * tokens, 3 * width, width, false, true, false);
        double[] expected = Reference64.attention(qkv, batch, tokens, heads, headDim);

        try (Arena arena = Arena.ofShared(); ExecutorService pool = Executors.newFixedThreadPool(2)) {
            MemorySegment input = segment(arena, x), weight = segment(arena, w), bias = segment(arena, b);
            Future<double[]> first = pool.submit(() -> attend(devices.get(0), input, weight, bias, batch, tokens, heads, headDim));
            Future<double[]> second = pool.submit(() -> attend(devices.get(1), input, weight, bias, batch, tokens, heads, headDim));
            double[] a = first.get(), c = second.get();
            assertClose("opencl:0 " + random, expected, a, 1e-4, 1e-5);
            assertClose("opencl:1 " + random, expected, c, 1e-4, 1e-5);
            assertClose("opencl:1 against opencl:0", a, c, 1e-6, 1e-7);
        }
    }

    /** qkv projection then attention, weights resident, executed 20 times; the last output. */
    private static double[] attend(Device device, MemorySegment input, MemorySegment weight, MemorySegment bias,
                                   int batch, int tokens, int heads, int headDim) {
        int rows = batch * tokens, width = heads * headDim;
        try (Arena arena = Arena.ofConfined()) {
            Tensor x = Tensor.of("x", input, rows, width), w = Tensor.of("w", weight, 3 * width, width), b = Tensor.of("b", bias, 3 * width);
            Tensor qkv = Tensor.onDevice("qkv", rows, 3 * width);
            Tensor out = Tensor.of("out", poisoned(arena, (long) rows * width), rows, width);
            var graph = new TaskGraph("attend_on_" + device.id())
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, w, b)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                    .task("qkv", Op.Matmul.linear(rows, width, 3 * width, Activation.NONE), qkv, x, w, b)
                    .task("attn", new Op.Attention(batch, tokens, heads, headDim), out, qkv)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, out)
                    .snapshot();
            try (var plan = new ExecutionPlan(graph, device)) {
                for (int i = 0; i < 20; i++) plan.execute();
            }
            return toDoubles(out.host(), rows * width);
        }
    }
}
