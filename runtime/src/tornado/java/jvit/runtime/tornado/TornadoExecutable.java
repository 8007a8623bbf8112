package jvit.runtime.tornado;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jvit.kernels.Op;
import jvit.kernels.tornado.TornadoKernels;
import jvit.kernels.tornado.TornadoLaunch;
import jvit.kernels.tornado.TornadoTask;
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
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.exceptions.TornadoInternalError;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * A jvit graph as one TornadoVM task graph and execution plan: a {@code FloatArray} per tensor,
 * each jvit task as the TornadoVM tasks (and scratch) {@link TornadoKernels#launch} gives for its
 * operator, the copies with the same transfer modes (weights once, inputs every execution), so
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
    /** TornadoVM task id -> the jvit task it belongs to (null for a touch, see {@link TornadoTouch}), in launch order. */
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final TornadoExecutionPlan plan;
    private TornadoExecutionResult last;
    private boolean executed;
    private boolean closed;

    /** A host copy between a tensor's memory and its array; {@code firstOnly}: on the first execution only. */
    private record Copy(Tensor tensor, FloatArray array, boolean firstOnly) {}

    /** How an operator becomes TornadoVM tasks: {@link TornadoKernels#launch}; a test hands in kernels of its own. */
    @FunctionalInterface
    interface Lowering {
        TornadoLaunch launch(Op op, String id, TornadoDeviceType device, FloatArray... args);
    }

    TornadoExecutable(TornadoDevice device, ImmutableTaskGraph graph, Lowering lowering) {
        this.device = device;
        this.graph = graph;
        this.graphName = "jvit_" + graph.name().replaceAll("[^A-Za-z0-9_]", "_");
        for (Tensor t : graph.tensors()) arrays.put(t, new FloatArray(floats(t.elements(), t.toString())));
        Map<Task, TornadoLaunch> launches = lower(graph, lowering);

        TaskGraph tg = new TaskGraph(graphName);
        GridScheduler grids = new GridScheduler();
        boolean anyGrid = false;
        Set<Tensor> copiedOut = Collections.newSetFromMap(new IdentityHashMap<>());
        // Scratch lives on the device only: declared once, never copied back.
        List<Object> scratch = launches.values().stream().flatMap(l -> l.scratch().stream()).toList();
        if (!scratch.isEmpty()) tg.transferToDevice(uk.ac.manchester.tornado.api.enums.DataTransferMode.FIRST_EXECUTION, scratch.toArray());
        for (Step step : graph.steps()) {
            switch (step) {
                case Step.CopyIn in -> {
                    FloatArray array = arrays.get(in.tensor());
                    tg.transferToDevice(mode(in.mode()), array);
                    copiesIn.add(new Copy(in.tensor(), array, in.mode() == DataTransferMode.FIRST_EXECUTION));
                }
                case Step.Launch l -> {
                    for (TornadoTask task : launches.get(l.task()).tasks()) {
                        addTask(tg, task, l.task());
                        if (task.grid() != null) {
                            grids.addWorkerGrid(graphName + "." + task.id(), task.grid());
                            anyGrid = true;
                        }
                        tasks.put(task.id(), l.task());
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
        // Tensors only copied in and out still cross: a task touches each (TornadoVM fails on them otherwise).
        Set<Tensor> used = Collections.newSetFromMap(new IdentityHashMap<>());
        graph.tasks().forEach(t -> used.addAll(t.args()));
        FloatArray sink = new FloatArray(1);
        for (Tensor t : graph.tensors()) {
            if (used.contains(t)) continue;
            String id = "touch" + tasks.size();
            tg.task(id, TornadoTouch::touch, arrays.get(t), sink);
            tasks.put(id, null);
        }
        // Any other host tensor may be read back on demand (copyToHost: parameters a training graph updates).
        for (Tensor t : graph.tensors())
            if (t.hasHost() && !copiedOut.contains(t))
                tg.transferToHost(uk.ac.manchester.tornado.api.enums.DataTransferMode.UNDER_DEMAND, arrays.get(t));

        this.plan = plan(tg, anyGrid ? grids : null);
    }

    private void addTask(TaskGraph tg, TornadoTask task, Task of) {
        try {
            tg.addTask(task.task());
        } catch (java.nio.BufferOverflowException e) {
            // TornadoVM 5.2 records a task graph's tasks in a fixed 8 KiB buffer.
            throw new UserError("device " + device.id() + " cannot run graph " + graph.name() + ": it has more tasks than one TornadoVM"
                    + " task graph holds (full at task " + of.name() + "; jvit does not split a graph across TornadoVM task graphs yet);"
                    + " run it on another device (see `vit devices`)", e);
        } catch (RuntimeException e) {
            throw new TornadoException(device.id() + ": TornadoVM failed to compile task " + of.name() + " (" + of.op().name()
                    + ") of graph " + graph.name() + ": " + firstLine(e), e);
        }
    }

    /** The plan over the graph; TornadoVM sketches each task (parses and inlines its Java) here, and may fail. */
    private TornadoExecutionPlan plan(TaskGraph tg, GridScheduler grids) {
        try {
            TornadoExecutionPlan p = new TornadoExecutionPlan(tg.snapshot()).withDevice(device.tornado()).withProfiler(ProfilerMode.SILENT);
            return grids == null ? p : p.withGridScheduler(grids);
        } catch (RuntimeException e) {
            throw new TornadoException(device.id() + ": TornadoVM failed to build graph " + graph.name() + ": " + firstLine(e), e);
        }
    }

    /**
     * Each task's TornadoVM tasks, named {@code t<index>} (TornadoVM ids are identifiers); a graph with
     * an operator the TornadoVM kernels do not take is refused, by name, before anything is built.
     */
    private Map<Task, TornadoLaunch> lower(ImmutableTaskGraph graph, Lowering lowering) {
        Map<Task, TornadoLaunch> launches = new IdentityHashMap<>();
        TornadoDeviceType type = device.tornado().getDeviceType();
        int index = 0;
        for (Task task : graph.tasks()) {
            FloatArray[] args = task.args().stream().map(arrays::get).toArray(FloatArray[]::new);
            try {
                launches.put(task, lowering.launch(task.op(), "t" + index++, type, args));
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                throw new UserError("device " + device.id() + " cannot run task " + task.name() + " (" + task.op().name() + ") of graph "
                        + graph.name() + ": " + e.getMessage() + "; run it on another device (see `vit devices`)");
            }
        }
        return launches;
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
        } catch (TornadoInternalError e) {
            // TornadoVM 5.2's graph of a task graph has a fixed number of nodes (tasks, arrays, copies).
            if (String.valueOf(e.getMessage()).contains("resize"))
                throw new UserError("device " + device.id() + " cannot run graph " + graph.name() + ": it is larger than one TornadoVM task"
                        + " graph holds (jvit does not split a graph across TornadoVM task graphs yet); use a smaller model or another"
                        + " device (see `vit devices`)", e);
            throw new TornadoException(device.id() + ": TornadoVM failed running graph " + graph.name() + ": " + firstLine(e), e);
        } catch (RuntimeException e) {
            throw new TornadoException(device.id() + ": TornadoVM failed running graph " + graph.name() + ": " + firstLine(e), e);
        }
        Map<String, Long> kernelNanos = TornadoProfile.kernelNanos(result.getProfilerResult().getProfileLog(), graphName);
        for (Map.Entry<String, Task> t : tasks.entrySet())
            if (kernelNanos.getOrDefault(t.getKey(), 0L) <= 0)
                throw new TornadoException(device.id() + ": TornadoVM did not run task " + (t.getValue() == null ? t.getKey()
                        : t.getValue().name() + " (" + t.getValue().op().name() + ")") + " of graph " + graph.name()
                        + " on the device (no kernel time in its profile)");
        for (Copy c : copiesOut) {
            if (executed && c.firstOnly()) continue;
            if (c.firstOnly()) result.transferToHost(c.array());
            MemorySegment.copy(c.array().getSegment(), 0, c.tensor().host(), 0, c.tensor().bytes());
        }
        last = result;
        executed = true;
        return new ExecutionResult(System.nanoTime() - start, profile ? times(result, kernelNanos) : List.of());
    }

    /** Copies in (TornadoVM reports their total), each jvit task (the sum of its TornadoVM tasks), copies out. */
    private List<TaskTime> times(TornadoExecutionResult result, Map<String, Long> kernelNanos) {
        List<TaskTime> times = new ArrayList<>();
        long in = result.getProfilerResult().getDeviceWriteTime(), out = result.getProfilerResult().getDeviceReadTime();
        if (in > 0) times.add(new TaskTime("copy_in", "copy_in", in));
        Map<Task, Long> byTask = new IdentityHashMap<>();
        tasks.forEach((id, task) -> {
            if (task != null) byTask.merge(task, kernelNanos.get(id), Long::sum);
        });
        for (Task task : graph.tasks())
            if (byTask.containsKey(task)) times.add(new TaskTime(task.name(), task.op().name(), byTask.get(task)));
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
