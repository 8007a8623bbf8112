package jvit.kernels.tornado;

import static jvit.kernels.Tensors.poisoned;
import static jvit.kernels.Tensors.segment;
import static jvit.kernels.Tensors.toDoubles;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import jvit.kernels.Op;
import jvit.kernels.cpu.CpuKernels;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Runs catalogue operators through {@link TornadoKernels} in TornadoVM task graphs of their own, on
 * each TornadoVM device, for the tests: arguments in, outputs back, outputs given as null poisoned
 * with NaN so that an element a kernel leaves unwritten (or a kernel TornadoVM failed to build) fails.
 */
final class TornadoTesting {
    private static final AtomicInteger GRAPHS = new AtomicInteger();

    private TornadoTesting() {}

    /** Every device of every TornadoVM backend. */
    static List<TornadoDevice> devices() {
        var runtime = TornadoRuntimeProvider.getTornadoRuntime();
        List<TornadoDevice> devices = new ArrayList<>();
        for (int b = 0; b < runtime.getNumBackends(); b++) {
            TornadoBackend backend = runtime.getBackend(b);
            for (int d = 0; d < backend.getNumDevices(); d++) devices.add(backend.getDevice(d));
        }
        if (devices.isEmpty()) throw new IllegalStateException("TornadoVM lists no device");
        return devices;
    }

    /** A seed from {@code -Djvit.test.seed} to replay a failure, else a fresh one; printed by the failure messages. */
    static Random random() {
        long seed = Long.getLong("jvit.test.seed", System.nanoTime());
        return new Random(seed) {
            @Override
            public String toString() { return "seed " + seed + " (replay with -Djvit.test.seed=" + seed + ")"; }
        };
    }

    /** The outputs of {@code op} on {@code device}; arguments outputs first, an output given as null poisoned. */
    static double[][] run(TornadoDevice device, Op op, double[]... args) {
        return run(device, device.getDeviceType(), op, args);
    }

    /** The same with the kernels {@link TornadoKernels} chooses for a device of this type (GPU kernels run on any device). */
    static double[][] run(TornadoDevice device, TornadoDeviceType type, Op op, double[]... args) {
        long[] sizes = op.argElements();
        FloatArray[] arrays = new FloatArray[sizes.length];
        for (int i = 0; i < sizes.length; i++) arrays[i] = array(args[i], sizes[i]);
        return run(device, type, op, arrays);
    }

    /**
     * The first output of {@code op} with arguments that share arrays: argument i is the array made from
     * {@code values[slots[i]]}, one array per value (outputs start from those values, not poisoned).
     */
    static double[] runShared(TornadoDevice device, Op op, int[] slots, double[]... values) {
        FloatArray[] distinct = new FloatArray[values.length];
        for (int v = 0; v < values.length; v++) distinct[v] = array(values[v], values[v].length);
        FloatArray[] arrays = new FloatArray[slots.length];
        for (int i = 0; i < slots.length; i++) arrays[i] = distinct[slots[i]];
        return run(device, device.getDeviceType(), op, arrays)[0];
    }

    private static double[][] run(TornadoDevice device, TornadoDeviceType type, Op op, FloatArray... arrays) {
        String graphName = "g" + GRAPHS.incrementAndGet();
        TornadoLaunch launch = TornadoKernels.launch(op, "t", type, arrays);
        Object[] distinct = distinct(arrays);
        TaskGraph graph = new TaskGraph(graphName).transferToDevice(DataTransferMode.EVERY_EXECUTION, distinct);
        if (!launch.scratch().isEmpty()) graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, launch.scratch().toArray());
        GridScheduler grids = new GridScheduler();
        for (TornadoTask task : launch.tasks()) {
            graph.addTask(task.task());
            grids.addWorkerGrid(graphName + "." + task.id(), task.grid());
        }
        graph.transferToHost(DataTransferMode.EVERY_EXECUTION, distinct(Arrays.copyOf(arrays, op.outputs())));
        ImmutableTaskGraph snapshot = graph.snapshot();
        long start = System.nanoTime();
        try (var plan = new TornadoExecutionPlan(snapshot)) {
            plan.withDevice(device).withGridScheduler(grids);
            if (Boolean.getBoolean("jvit.test.printKernel")) plan.withPrintKernel();
            plan.execute();
            if (Boolean.getBoolean("jvit.test.verbose"))
                System.out.printf("%s on %s: %.0f ms (compiling included)%n", op, device, (System.nanoTime() - start) / 1e6);
        } catch (Exception e) {
            throw new AssertionError(op + " on " + device + ": " + e, e);
        }
        double[][] outputs = new double[op.outputs()][];
        for (int i = 0; i < outputs.length; i++) outputs[i] = values(arrays[i], (int) op.argElements()[i]);
        return outputs;
    }

    /** The Java kernels' outputs from the same arguments (outputs given as null poisoned, as on the device). */
    static double[][] onJava(Op op, double[]... args) {
        long[] sizes = op.argElements();
        try (Arena arena = Arena.ofShared()) { // the Java kernels run on several threads
            MemorySegment[] segments = new MemorySegment[sizes.length];
            for (int i = 0; i < sizes.length; i++) segments[i] = args[i] == null ? poisoned(arena, sizes[i]) : segment(arena, args[i]);
            CpuKernels.run(op, segments);
            double[][] outputs = new double[op.outputs()][];
            for (int i = 0; i < outputs.length; i++) outputs[i] = toDoubles(segments[i], (int) sizes[i]);
            return outputs;
        }
    }

    private static FloatArray array(double[] values, long size) {
        FloatArray a = new FloatArray(Math.toIntExact(Math.max(1, size)));
        for (int i = 0; i < a.getSize(); i++) a.set(i, values == null ? Float.NaN : (float) values[i]);
        return a;
    }

    private static double[] values(FloatArray a, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = a.get(i);
        return x;
    }

    private static Object[] distinct(Object[] arrays) {
        var seen = new IdentityHashMap<Object, Boolean>();
        List<Object> out = new ArrayList<>();
        for (Object a : arrays) if (seen.put(a, true) == null) out.add(a);
        return out.toArray();
    }
}
