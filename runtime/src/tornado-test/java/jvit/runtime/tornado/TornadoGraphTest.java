package jvit.runtime.tornado;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Random;
import jvit.kernels.Op;
import jvit.kernels.Reference64;
import jvit.kernels.tornado.TornadoAttention;
import jvit.kernels.tornado.TornadoKernels;
import jvit.kernels.tornado.TornadoLaunch;
import jvit.kernels.tornado.TornadoTask;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Devices;
import jvit.runtime.ExecutionResult;
import jvit.runtime.ExecutionResult.TaskTime;
import jvit.runtime.Executable;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import jvit.runtime.UserError;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.common.TaskPackage;
import uk.ac.manchester.tornado.api.types.HalfFloat;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.HalfFloatArray;

/** What is TornadoVM's own about jvit graphs on tornado:0:0 (the device suite, TornadoDeviceTest, runs the rest): read-back on demand, refusals, failures that must show. */
class TornadoGraphTest {
    private static TornadoDevice device() { return (TornadoDevice) Devices.get("tornado:0:0"); }

    @Test
    void parametersUpdatedOnTheDeviceAreReadBackOnDemand() {
        try (Arena arena = Arena.ofShared()) {
            Tensor p = Tensor.of("p", segment(arena, new double[] {1, 2, 3}), 3), one = Tensor.allocate("one", arena, 3);
            ImmutableTaskGraph graph = new TaskGraph("step")
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, p)
                    .task("ones", new Op.Fill(3, 1f), one)
                    .task("increment", new Op.Add(3), p, p, one)
                    .snapshot();
            try (Executable e = device().load(graph)) {
                e.copyToHost(p);
                assertClose("before", new double[] {1, 2, 3}, p.host(), 0, 0);
                e.execute(false);
                e.execute(false);
                assertClose("not copied back unasked", new double[] {1, 2, 3}, p.host(), 0, 0);
                e.copyToHost(p);
                assertClose("after two steps", new double[] {3, 4, 5}, p.host(), 0, 0);
            }
        }
    }

    @Test
    void anOperatorTheTornadoKernelsDoNotTakeIsRefusedByName() {
        // Attention heads wider than the kernels' private arrays hold.
        Op attention = new Op.Attention(1, 2, 1, TornadoAttention.MAX_HEAD_DIM + 1);
        long[] sizes = attention.argElements();
        try (Arena arena = Arena.ofShared()) {
            Tensor out = Tensor.allocate("out", arena, sizes[0]), qkv = Tensor.allocate("qkv", arena, sizes[1]);
            ImmutableTaskGraph graph = new TaskGraph("wide heads")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, qkv)
                    .task("attn", attention, out, qkv)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, out)
                    .snapshot();
            var e = assertThrows(UserError.class, () -> device().load(graph));
            assertTrue(e.getMessage().contains("attn (attention)") && e.getMessage().contains("tornado:0:0"), e.getMessage());
        }
    }

    @Test
    void aGraphOfCopiesOnlyRuns() {
        try (Arena arena = Arena.ofShared()) {
            Tensor x = Tensor.of("x", segment(arena, new double[] {1, 2, 3}), 3);
            ImmutableTaskGraph graph = new TaskGraph("round trip")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, x)
                    .snapshot();
            try (Executable e = device().load(graph)) {
                ExecutionResult result = e.execute(true);
                assertClose("round trip", new double[] {1, 2, 3}, x.host(), 0, 0);
                assertTrue(result.nanosByKind().containsKey("copy_in"), result.taskTimes().toString());
            }
        }
    }

    @Test
    void aGraphLargerThanOneTornadoTaskGraphHoldsIsSplit() {
        try (Arena arena = Arena.ofShared()) {
            Tensor y = Tensor.allocate("y", arena, 3);
            TaskGraph g = new TaskGraph("many");
            for (int i = 0; i < 400; i++) g.task("fill" + i, new Op.Fill(3, 1f), y);
            ImmutableTaskGraph graph = g.transferToHost(DataTransferMode.EVERY_EXECUTION, y).snapshot();
            // Loading sketches every task but compiles none: TornadoVM compiles each kernel on the first execution.
            try (TornadoExecutable e = new TornadoExecutable(device(), graph, TornadoKernels::launch)) {
                assertTrue(e.parts() > 1, e.parts() + " part(s) for 400 tasks");
            }
        }
    }

    /**
     * The same graph whole and cut after every task: the same outputs on every run, every task's time, and the same
     * bytes copied each way (the tensors passed between parts stay on the device). The graph has a weight
     * copied once and read in the first and last parts, an intermediate read three parts after it is
     * written, and a parameter updated in place on the device and read back on demand.
     */
    @Test
    void aGraphSplitAcrossTornadoTaskGraphsComputesWhatItDoesWhole() {
        Random random = random();
        int rows = 5, in = 7, out = 3;
        double[] w = roundToFloat(uniform(random, out * in, 1)), b = roundToFloat(uniform(random, out, 1));
        List<double[]> inputs = List.of(roundToFloat(uniform(random, rows * in, 1)), roundToFloat(uniform(random, rows * in, 1)));
        List<List<double[]>> results = new java.util.ArrayList<>();
        List<List<long[]>> bytes = new java.util.ArrayList<>();
        for (TornadoSplit.Budget budget : new TornadoSplit.Budget[] {TornadoSplit.Budget.TORNADOVM, new TornadoSplit.Budget(0, 0, 0)}) {
            try (Arena arena = Arena.ofShared()) {
                Tensor x = Tensor.allocate("x", arena, rows, in), p = Tensor.of("p", segment(arena, new double[] {1, 2, 3}), out);
                Tensor weight = Tensor.of("w", segment(arena, w), out, in), bias = Tensor.of("b", segment(arena, b), out);
                Tensor h = Tensor.onDevice("h", rows, out), h2 = Tensor.onDevice("h2", rows, out), one = Tensor.onDevice("one", out);
                Tensor h3 = Tensor.onDevice("h3", rows, out), y = Tensor.of("y", poisoned(arena, rows * out), rows, out);
                ImmutableTaskGraph graph = new TaskGraph("split")
                        .transferToDevice(DataTransferMode.FIRST_EXECUTION, weight, bias, p)
                        .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                        .task("fc", Op.Matmul.linear(rows, in, out, Op.Activation.NONE), h, x, weight, bias)
                        .task("twice", new Op.Add(rows * out), h2, h, h)
                        .task("ones", new Op.Fill(out, 1f), one)
                        .task("increment", new Op.Add(out), p, p, one)
                        .task("fc2", Op.Matmul.linear(rows, in, out, Op.Activation.NONE), h3, x, weight, bias)
                        .task("sum", new Op.Add(rows * out), y, h3, h)
                        .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                        .snapshot();
                List<double[]> outputs = new java.util.ArrayList<>();
                List<long[]> moved = new java.util.ArrayList<>();
                try (TornadoExecutable e = new TornadoExecutable(device(), graph, TornadoKernels::launch, budget)) {
                    assertEquals(budget == TornadoSplit.Budget.TORNADOVM ? 1 : 6, e.parts());
                    for (double[] input : inputs) {
                        x.host().copyFrom(segment(arena, input));
                        y.host().copyFrom(poisoned(arena, rows * out));
                        ExecutionResult result = e.execute(true);
                        outputs.add(toDoubles(y.host(), rows * out));
                        // Each jvit task timed by TornadoVM's profiler, whichever part ran it.
                        assertEquals(List.of("copy_in", "fc", "twice", "ones", "increment", "fc2", "sum", "copy_out"),
                                result.taskTimes().stream().map(TaskTime::task).distinct().toList(), form(budget));
                        assertTrue(result.taskTimes().stream().allMatch(t -> t.nanos() > 0), result.taskTimes().toString());
                        moved.add(new long[] {e.lastProfiles().stream().mapToLong(TornadoExecutable.PartProfile::bytesIn).sum(),
                                e.lastProfiles().stream().mapToLong(TornadoExecutable.PartProfile::bytesOut).sum()});
                    }
                    e.copyToHost(p);
                    outputs.add(toDoubles(p.host(), out));
                }
                double[] fc = Reference64.matmul(inputs.get(1), w, b, 1, rows, out, in, false, true, false);
                assertClose(form(budget) + " " + random, Reference64.add(fc, fc), outputs.get(1), 1e-5, 1e-6);
                assertClose(form(budget), new double[] {3, 4, 5}, outputs.get(2), 0, 0);
                results.add(outputs);
                bytes.add(moved);
            }
        }
        for (int i = 0; i < results.get(0).size(); i++)
            assertArrayEquals(results.get(0).get(i), results.get(1).get(i), "output " + i + " whole vs split " + random);
        for (int run = 0; run < inputs.size(); run++)
            assertArrayEquals(bytes.get(0).get(run), bytes.get(1).get(run), "bytes in, out of run " + run + ": whole vs split");
    }

    private static String form(TornadoSplit.Budget budget) { return budget == TornadoSplit.Budget.TORNADOVM ? "whole" : "split"; }

    /**
     * A kernel PoCL cannot build (no private {@code half} variables): TornadoVM, left to itself, logs
     * the build error, runs the task as Java on the host and returns as if it had run.
     */
    public static void halves(FloatArray out, HalfFloatArray h, int n) {
        for (@Parallel int i = 0; i < n; i++) out.set(i, HalfFloat.add(h.get(i), h.get(i)).getFloat32());
    }

    @Test
    void aKernelThatFailsToBuildFailsTheExecution() {
        try (Arena arena = Arena.ofShared()) {
            Tensor y = Tensor.of("y", poisoned(arena, 5), 5);
            ImmutableTaskGraph graph = new TaskGraph("broken")
                    .task("fill", new Op.Fill(5, 2f), y)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                    .snapshot();
            TornadoExecutable.Lowering broken = (op, id, type, args) -> new TornadoLaunch(List.of(new TornadoTask(id,
                    TaskPackage.createPackage(id, TornadoGraphTest::halves, args[0], new HalfFloatArray(5), 5), null)), List.of());
            TornadoDevice device = device();
            TornadoException e = assertThrows(TornadoException.class, () -> {
                try (Executable ex = new TornadoExecutable(device, graph, broken)) {
                    ex.execute(false);
                }
            });
            assertTrue(e.getMessage().contains("tornado:0:0") && e.getMessage().contains("broken"), e.getMessage());
            assertTrue(Double.isNaN(toDoubles(y.host(), 5)[0]), "the output was never written");
        }
    }
}
