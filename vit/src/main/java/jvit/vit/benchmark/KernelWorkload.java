package jvit.vit.benchmark;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import jvit.kernels.Op;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;

/**
 * One operator as a one-task graph on a device, loaded several times over separate buffers that
 * {@link #run} takes in turn: together they pass {@link #ROTATION_BYTES}, so a kernel reads its
 * inputs from memory, as it does in a model, rather than from the cache the previous run filled.
 */
public final class KernelWorkload implements Workload {
    /** Bytes the rotated copies span at least: twice the 32 MiB L3 of the machines here, more than most CPUs' last level. */
    public static final long ROTATION_BYTES = 64L << 20;
    /** Copies at most, for the smallest operators. */
    static final int MAX_COPIES = 8;

    private final Op op;
    private final Arena arena = Arena.ofShared();
    private final List<ExecutionPlan> plans = new ArrayList<>();
    private int next;

    private KernelWorkload(Op op) {
        this.op = op;
    }

    /**
     * Loads {@code op} on {@code device} and runs each copy once. A device without a kernel for
     * the operator throws {@link UnsupportedOperationException}.
     */
    public static KernelWorkload open(Op op, Device device) {
        KernelWorkload w = new KernelWorkload(op);
        try {
            for (int copy = 0; copy < copies(op); copy++) w.load(device, copy);
            return w;
        } catch (RuntimeException | Error e) {
            w.close();
            throw e;
        }
    }

    /** How many sets of buffers: enough to span {@link #ROTATION_BYTES}, at most {@link #MAX_COPIES}. */
    static int copies(Op op) {
        return (int) Math.clamp((ROTATION_BYTES + argumentBytes(op) - 1) / argumentBytes(op), 1, MAX_COPIES);
    }

    /** Bytes of one set of arguments. */
    private static long argumentBytes(Op op) {
        return Float.BYTES * java.util.Arrays.stream(op.argElements()).sum();
    }

    /** Every argument has host memory, copied in on the first execution: some outputs are read too (AdamW's moments). */
    private void load(Device device, int copy) {
        long[] sizes = op.argElements();
        Tensor[] args = new Tensor[sizes.length];
        TaskGraph graph = new TaskGraph("bench_" + op.name());
        for (int i = 0; i < sizes.length; i++) {
            Tensor arg = Tensor.allocate("arg" + i, arena, sizes[i]);
            KernelInputs.fill(op, i, arg.host(), 31L * copy + i);
            // An input (no task writes it) is read-only, as a model's mapped weights are: the java device then
            // packs a product's B once, as opencl:0 packs a constant, and both time the product a model runs.
            args[i] = i < op.outputs() ? arg : Tensor.of(arg.name(), arg.host().asReadOnly(), arg.shape());
            graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, args[i]);
        }
        ExecutionPlan plan = new ExecutionPlan(graph.task(op.name(), op, args).snapshot(), device);
        plans.add(plan);
        plan.execute();
    }

    public int copies() { return plans.size(); }

    @Override
    public long run() {
        ExecutionPlan plan = plans.get(next);
        next = (next + 1) % plans.size();
        return plan.execute().totalNanos();
    }

    @Override
    public long flops() { return op.flops(); }

    @Override
    public long bytes() { return op.bytes(); }

    @Override
    public long footprintBytes() { return argumentBytes(op) * plans.size(); }

    @Override
    public void close() {
        plans.forEach(ExecutionPlan::close);
        arena.close();
    }
}
