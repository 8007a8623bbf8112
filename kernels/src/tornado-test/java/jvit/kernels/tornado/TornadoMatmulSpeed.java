package jvit.kernels.tornado;

import java.util.Random;
import jvit.kernels.Op;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * How fast the TornadoVM matmul variants run on the first TornadoVM device, for tuning (not a test:
 * the machine's load makes timings in tests meaningless). Operands stay on the device; the
 * figure is the best of {@code rounds} executions after a warm-up, B's packing included.
 * Arguments: sizes (m = n = k), e.g. {@code 1024 2048}; {@code -Dvariant=cpu|gpu|both}.
 */
public final class TornadoMatmulSpeed {
    private TornadoMatmulSpeed() {}

    public static void main(String[] args) throws Exception {
        TornadoDevice device = TornadoTesting.devices().getFirst();
        String variant = System.getProperty("variant", "cpu");
        int rounds = Integer.getInteger("rounds", 5);
        for (String arg : args) {
            int size = Integer.parseInt(arg);
            for (String v : variant.equals("both") ? new String[] {"cpu", "gpu"} : new String[] {variant}) {
                TornadoDeviceType type = v.equals("cpu") ? TornadoDeviceType.CPU : TornadoDeviceType.GPU;
                double seconds = best(device, type, new Op.Matmul(1, size, size, size, false, true, false, Op.Activation.NONE), rounds);
                System.out.printf("%s variant, %d^3: %.1f ms, %.1f GFLOP/s%n", v, size, seconds * 1e3, 2.0 * size * size * size / seconds / 1e9);
            }
        }
    }

    private static double best(TornadoDevice device, TornadoDeviceType type, Op.Matmul op, int rounds) throws Exception {
        Random random = new Random(1);
        FloatArray c = new FloatArray(op.m() * op.n()), a = new FloatArray(op.m() * op.k()), b = new FloatArray(op.n() * op.k());
        for (int i = 0; i < a.getSize(); i++) a.set(i, random.nextFloat() - 0.5f);
        for (int i = 0; i < b.getSize(); i++) b.set(i, random.nextFloat() - 0.5f);
        String name = "speed" + type + op.m();
        TornadoLaunch launch = TornadoKernels.launch(op, "t", type, c, a, b);
        TaskGraph graph = new TaskGraph(name).transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b);
        graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, launch.scratch().toArray());
        GridScheduler grids = new GridScheduler();
        for (TornadoTask task : launch.tasks()) {
            graph.addTask(task.task());
            grids.addWorkerGrid(name + "." + task.id(), task.grid());
        }
        graph.transferToHost(DataTransferMode.UNDER_DEMAND, c);
        double best = Double.MAX_VALUE;
        try (var plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.withDevice(device).withGridScheduler(grids);
            plan.execute(); // compiles
            for (int r = 0; r < rounds; r++) {
                long start = System.nanoTime();
                plan.execute();
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
            }
        }
        return best;
    }
}
