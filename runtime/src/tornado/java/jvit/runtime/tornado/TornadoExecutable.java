package jvit.runtime.tornado;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import jvit.kernels.Op;
import jvit.kernels.device.KernelArg;
import jvit.kernels.tornado.TornadoKernels;
import jvit.kernels.tornado.TornadoLaunch;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Executable;
import jvit.runtime.ExecutionResult;
import jvit.runtime.ExecutionResult.TaskTime;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Step;
import jvit.runtime.Task;
import jvit.runtime.Tensor;
import jvit.runtime.UserError;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * A jvit graph as one TornadoVM task graph and execution plan: a {@code FloatArray} per tensor
 * (and per scratch index), each jvit task as the TornadoVM tasks {@link TornadoKernels} gives for
 * its operator, the copies with the same transfer modes (weights once, inputs every execution), so
 * TornadoVM keeps device memory between executions. jvit's host memory is copied to and from the
 * arrays around each execution: TornadoVM arrays wrap memory only with its header in front.
 *
 * <p>TornadoVM's profiler is always on: an execution in which a task has no kernel time did not run
 * that task on the device, and fails.
 */
final class TornadoExecutable implements Executable {
    private final TornadoDevice device;
    private final ImmutableTaskGraph graph;
    private final String graphName;
    private final Map<Tensor, FloatArray> arrays = new IdentityHashMap<>();
    private final List<Copy> copiesIn = new ArrayList<>();
    private final List<Copy> copiesOut = new ArrayList<>();
    /** TornadoVM task id -> the jvit task it belongs to, in launch order. */
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final TornadoExecutionPlan plan;
    private TornadoExecutionResult last;
    private boolean executed;
    private boolean closed;

    /** A host copy between a tensor's memory and its array; {@code firstOnly}: on the first execution only. */
    private record Copy(Tensor tensor, FloatArray array, boolean firstOnly) {}

    /**
     * @param lowering each operator's TornadoVM tasks: {@link TornadoKernels#launches}; a test hands
     *                 in kernels of its own (one that fails to compile)
     */
    TornadoExecutable(TornadoDevice device, ImmutableTaskGraph graph, Function<Op, List<TornadoLaunch>> lowering) {
        this.device = device;
        this.graph = graph;
        this.graphName = "jvit_" + graph.name().replaceAll("[^A-Za-z0-9_]", "_");
        Map<Task, List<TornadoLaunch>> launches = lower(graph, lowering);
        for (Tensor t : graph.tensors()) arrays.put(t, new FloatArray(floats(t.elements(), t.toString())));
        Map<Integer, FloatArray> scratch = new TreeMap<>();
        scratchFloats(launches).forEach((index, floats) -> scratch.put(index, new FloatArray(floats(floats, "scratch " + index))));

        List<FloatArray> standIns = standInArrays(launches);
        TaskGraph tg = new TaskGraph(graphName);
        GridScheduler grids = new GridScheduler();
        boolean anyGrid = false;
        Set<Tensor> copiedOut = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Step step : graph.steps()) {
            switch (step) {
                case Step.CopyIn in -> {
                    FloatArray array = arrays.get(in.tensor());
                    tg.transferToDevice(mode(in.mode()), array);
                    copiesIn.add(new Copy(in.tensor(), array, in.mode() == DataTransferMode.FIRST_EXECUTION));
                }
                case Step.Launch l -> {
                    for (TornadoLaunch launch : launches.get(l.task())) {
                        String id = "t" + tasks.size() + "_" + launch.name();
                        Object[] args = resolve(l.task(), launch, scratch);
                        List<Tensor> inPlace = standIns(l.task(), launch, args, standIns);
                        launch.code().addTo(tg, id, args);
                        if (launch.grid() != null) {
                            grids.addWorkerGrid(graphName + "." + id, launch.grid());
                            anyGrid = true;
                        }
                        tasks.put(id, l.task());
                        for (int k = 0; k < inPlace.size(); k++) {
                            String copyId = "t" + tasks.size() + "_in_place";
                            tg.task(copyId, TornadoCopy::copy, arrays.get(inPlace.get(k)), standIns.get(k), (int) inPlace.get(k).elements());
                            tasks.put(copyId, l.task());
                        }
                    }
                }
                case Step.CopyOut out -> {
                    FloatArray array = arrays.get(out.tensor());
                    boolean firstOnly = out.mode() == DataTransferMode.FIRST_EXECUTION;
                    // TornadoVM copies out every execution or on demand; a first-execution copy is asked for once.
                    tg.transferToHost(firstOnly ? uk.ac.manchester.tornado.api.enums.DataTransferMode.UNDER_DEMAND
                            : uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION, array);
                    copiesOut.add(new Copy(out.tensor(), array, firstOnly));
                    copiedOut.add(out.tensor());
                }
            }
        }
        // Any other host tensor may be read back on demand (copyToHost: parameters a training graph updates).
        for (Tensor t : graph.tensors())
            if (t.hasHost() && !copiedOut.contains(t))
                tg.transferToHost(uk.ac.manchester.tornado.api.enums.DataTransferMode.UNDER_DEMAND, arrays.get(t));

        TornadoExecutionPlan p = new TornadoExecutionPlan(tg.snapshot()).withDevice(device.tornado()).withProfiler(ProfilerMode.SILENT);
        this.plan = anyGrid ? p.withGridScheduler(grids) : p;
    }

    /** Each task's TornadoVM tasks; a graph with an operator that has no TornadoVM kernel is refused before anything is built. */
    private Map<Task, List<TornadoLaunch>> lower(ImmutableTaskGraph graph, Function<Op, List<TornadoLaunch>> lowering) {
        Map<Task, List<TornadoLaunch>> launches = new IdentityHashMap<>();
        for (Task task : graph.tasks()) {
            try {
                launches.put(task, lowering.apply(task.op()));
            } catch (UnsupportedOperationException e) {
                throw new UserError("device " + device.id() + " cannot run graph " + graph.name() + ": task " + task.name() + ": "
                        + e.getMessage() + "; run it on another device (see `vit devices`)");
            }
        }
        return launches;
    }

    private static Map<Integer, Long> scratchFloats(Map<Task, List<TornadoLaunch>> launches) {
        Map<Integer, Long> floats = new TreeMap<>();
        for (List<TornadoLaunch> list : launches.values())
            for (TornadoLaunch launch : list)
                for (KernelArg arg : launch.args())
                    if (arg instanceof KernelArg.Scratch s) floats.merge(s.index(), s.floats(), Math::max);
        return floats;
    }

    /** The tensors a launch writes and also reads: TornadoVM cannot schedule them in place (see {@link TornadoCopy}). */
    private static List<Integer> inPlaceArgs(Task task, TornadoLaunch launch) {
        List<KernelArg> args = launch.args();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (!(args.get(i) instanceof KernelArg.Tensor out) || out.index() >= task.op().outputs()) continue;
            for (KernelArg other : args)
                if (other instanceof KernelArg.Tensor in && in.index() >= task.op().outputs()
                        && task.args().get(in.index()) == task.args().get(out.index())) {
                    positions.add(i);
                    break;
                }
        }
        return positions;
    }

    /** One stand-in array per in-place output of a launch, each as large as the largest such output in the graph. */
    private static List<FloatArray> standInArrays(Map<Task, List<TornadoLaunch>> launches) {
        List<Long> sizes = new ArrayList<>();
        launches.forEach((task, list) -> {
            for (TornadoLaunch launch : list) {
                List<Integer> positions = inPlaceArgs(task, launch);
                for (int k = 0; k < positions.size(); k++) {
                    long n = task.args().get(((KernelArg.Tensor) launch.args().get(positions.get(k))).index()).elements();
                    if (k < sizes.size()) sizes.set(k, Math.max(sizes.get(k), n));
                    else sizes.add(n);
                }
            }
        });
        return sizes.stream().map(n -> new FloatArray(floats(n, "an in-place output"))).toList();
    }

    /** Points the launch's in-place outputs at the stand-ins; returns the tensors to copy them back to. */
    private static List<Tensor> standIns(Task task, TornadoLaunch launch, Object[] args, List<FloatArray> standIns) {
        List<Integer> positions = inPlaceArgs(task, launch);
        List<Tensor> targets = new ArrayList<>(positions.size());
        for (int k = 0; k < positions.size(); k++) {
            args[positions.get(k)] = standIns.get(k);
            targets.add(task.args().get(((KernelArg.Tensor) launch.args().get(positions.get(k))).index()));
        }
        return targets;
    }

    /** The task method's arguments: arrays for tensors and scratch, boxed scalars. */
    private Object[] resolve(Task task, TornadoLaunch launch, Map<Integer, FloatArray> scratch) {
        List<KernelArg> args = launch.args();
        Object[] resolved = new Object[args.size()];
        for (int i = 0; i < resolved.length; i++) {
            resolved[i] = switch (args.get(i)) {
                case KernelArg.Tensor t -> arrays.get(task.args().get(t.index()));
                case KernelArg.Scratch s -> scratch.get(s.index());
                case KernelArg.Int v -> v.value();
                case KernelArg.Float v -> v.value();
                case KernelArg.Null n -> throw new IllegalArgumentException(launch.name() + ": TornadoVM passes no null arrays");
            };
        }
        return resolved;
    }

    private static int mode(DataTransferMode mode) {
        return switch (mode) {
            case FIRST_EXECUTION -> uk.ac.manchester.tornado.api.enums.DataTransferMode.FIRST_EXECUTION;
            case EVERY_EXECUTION -> uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;
        };
    }

    private static int floats(long n, String what) {
        if (n > Integer.MAX_VALUE - 16)
            throw new UserError(what + " holds " + n + " floats; a TornadoVM array holds at most 2^31 - 17: use a smaller --batch");
        return (int) n;
    }

    public ExecutionResult execute(boolean profile) {
        if (closed) throw new IllegalStateException("graph " + graph.name() + " was closed");
        long start = System.nanoTime();
        for (Copy c : copiesIn)
            if (!executed || !c.firstOnly()) MemorySegment.copy(c.tensor().host(), 0, c.array().getSegment(), 0, c.tensor().bytes());
        TornadoExecutionResult result;
        try {
            result = plan.execute();
        } catch (RuntimeException e) {
            throw new TornadoException(device.id() + ": TornadoVM failed running graph " + graph.name() + ": " + firstLine(e), e);
        }
        Map<String, Long> kernelNanos = TornadoProfile.kernelNanos(result.getProfilerResult().getProfileLog(), graphName);
        for (Map.Entry<String, Task> t : tasks.entrySet())
            if (kernelNanos.getOrDefault(t.getKey(), 0L) <= 0)
                throw new TornadoException(device.id() + ": TornadoVM did not run task " + t.getValue().name() + " ("
                        + t.getValue().op().name() + ") of graph " + graph.name() + " on the device (no kernel time in its profile)");
        for (Copy c : copiesOut) {
            if (executed && c.firstOnly()) continue;
            if (c.firstOnly()) result.transferToHost(c.array());
            MemorySegment.copy(c.array().getSegment(), 0, c.tensor().host(), 0, c.tensor().bytes());
        }
        last = result;
        executed = true;
        return new ExecutionResult(System.nanoTime() - start, profile ? times(result, kernelNanos) : List.of());
    }

    /** Copies in (TornadoVM reports their total), each launch, copies out. */
    private List<TaskTime> times(TornadoExecutionResult result, Map<String, Long> kernelNanos) {
        List<TaskTime> times = new ArrayList<>();
        long in = result.getProfilerResult().getDeviceWriteTime(), out = result.getProfilerResult().getDeviceReadTime();
        if (in > 0) times.add(new TaskTime("copy_in", "copy_in", in));
        tasks.forEach((id, task) -> times.add(new TaskTime(task.name(), task.op().name(), kernelNanos.get(id))));
        if (out > 0) times.add(new TaskTime("copy_out", "copy_out", out));
        return times;
    }

    public void copyToHost(Tensor tensor) {
        if (closed) throw new IllegalStateException("graph " + graph.name() + " was closed");
        FloatArray array = arrays.get(tensor);
        if (array == null) throw new IllegalArgumentException(tensor + " is not a tensor of graph " + graph.name());
        if (!tensor.hasHost()) throw new IllegalArgumentException(tensor + " lives only on the device");
        if (!executed) return; // nothing was copied to the device yet: the host holds the values
        try {
            last.transferToHost(array);
        } catch (RuntimeException e) {
            throw new TornadoException(device.id() + ": copying " + tensor.name() + " to the host failed: " + firstLine(e), e);
        }
        MemorySegment.copy(array.getSegment(), 0, tensor.host(), 0, tensor.bytes());
    }

    public void close() {
        if (closed) return;
        closed = true;
        try {
            plan.close();
        } catch (TornadoExecutionPlanException e) {
            throw new TornadoException(device.id() + ": freeing the device memory of graph " + graph.name() + " failed", e);
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.strip().lines().findFirst().orElse(e.getClass().getSimpleName());
    }

    @Override
    public String toString() { return device.id() + ":" + graph.name(); }
}
