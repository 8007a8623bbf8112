package jvit.runtime.tornado;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.util.List;
import jvit.kernels.Op;
import jvit.kernels.tornado.TornadoAttention;
import jvit.kernels.tornado.TornadoLaunch;
import jvit.kernels.tornado.TornadoTask;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Devices;
import jvit.runtime.ExecutionResult;
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
    void aGraphLargerThanOneTornadoTaskGraphIsRefused() {
        try (Arena arena = Arena.ofShared()) {
            Tensor y = Tensor.allocate("y", arena, 3);
            TaskGraph g = new TaskGraph("many");
            for (int i = 0; i < 400; i++) g.task("fill" + i, new Op.Fill(3, 1f), y);
            ImmutableTaskGraph graph = g.transferToHost(DataTransferMode.EVERY_EXECUTION, y).snapshot();
            var e = assertThrows(UserError.class, () -> device().load(graph).close());
            assertTrue(e.getMessage().contains("more tasks than one TornadoVM task graph holds"), e.getMessage());
        }
    }

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
