package jvit.runtime.tornado;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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
import uk.ac.manchester.tornado.api.TornadoProfilerResult;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.exceptions.TornadoInternalError;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * A jvit graph as TornadoVM task graphs in one execution plan: a {@code FloatArray} per tensor,
 * each jvit task as the TornadoVM tasks (and scratch) {@link TornadoKernels#launch} gives for its
 * operator, the copies with the same transfer modes (weights once, inputs every execution), so
 * TornadoVM keeps device memory between executions. jvit's host memory is copied to and from the
 * arrays around each execution: TornadoVM arrays wrap memory only with its header in front.
 *
 * <p>A graph larger than one TornadoVM task graph holds runs as consecutive parts ({@link TornadoSplit}),
 * executed in order; tensors pass from part to part on the device, and each copy to or from the host
 * happens once, in the first (copies in) or last (copies out) part that uses the tensor.
 *
 * <p>TornadoVM's profiler is always on: an execution in which a task has no kernel time did not run
 * that task on the device, and fails.
 */
final class TornadoExecutable implements Executable {
    private final TornadoDevice device;
    private final ImmutableTaskGraph graph;
    private final Map<Tensor, FloatArray> arrays = new IdentityHashMap<>();
    private final List<Copy> copiesIn = new ArrayList<>();
    private final List<Copy> copiesOut = new ArrayList<>();
    /** Each part's TornadoVM task graph name and its task ids -> the jvit task (null for a touch, see {@link TornadoTouch}), in launch order. */
    private final List<PartTasks> parts = new ArrayList<>();
    private final TornadoSplit.Split split;
    private final TornadoExecutionPlan plan;
    private TornadoExecutionResult last;
    private List<PartProfile> lastProfiles = List.of();
    private boolean executed;
    private boolean closed;

    /**
     * A host copy between a tensor's memory and its array; {@code firstOnly}: on the first execution only;
     * {@code onDemand}: a copy out that jvit asks TornadoVM for after the execution.
     */
    private record Copy(Tensor tensor, FloatArray array, boolean firstOnly, boolean onDemand) {}

    private record PartTasks(String name, Map<String, Task> tasks) {}

    /** How an operator becomes TornadoVM tasks: {@link TornadoKernels#launch}; a test hands in kernels of its own. */
    @FunctionalInterface
    interface Lowering {
        TornadoLaunch launch(Op op, String id, TornadoDeviceType device, FloatArray... args);
    }

    TornadoExecutable(TornadoDevice device, ImmutableTaskGraph graph, Lowering lowering) {
        this(device, graph, lowering, TornadoSplit.Budget.TORNADOVM);
    }

    /** {@code budget}: how much of the graph one TornadoVM task graph takes (tests take less, to split small graphs). */
    TornadoExecutable(TornadoDevice device, ImmutableTaskGraph graph, Lowering lowering, TornadoSplit.Budget budget) {
        this.device = device;
        this.graph = graph;
        String graphName = "jvit_" + graph.name().replaceAll("[^A-Za-z0-9_]", "_");
        for (Tensor t : graph.tensors()) arrays.put(t, new FloatArray(floats(t.elements(), t.toString())));
        List<Task> tasks = graph.tasks();
        Map<Task, TornadoLaunch> launches = lower(tasks, lowering);
        this.split = TornadoSplit.split(tasks, launches, budget);

        List<TaskGraph> tgs = taskGraphs(graphName);
        declareCopiesIn(tgs);
        GridScheduler grids = addLaunches(tgs, tasks, launches);
        addTouches(tgs.getFirst());
        declareCopiesOut(tgs);
        this.plan = plan(tgs, grids);
    }

    /** A TornadoVM task graph per part, each taking over from the part before the tensors it used or passed along. */
    private List<TaskGraph> taskGraphs(String graphName) {
        List<TaskGraph> tgs = new ArrayList<>();
        for (int p = 0; p < split.parts().size(); p++) {
            String name = split.parts().size() == 1 ? graphName : graphName + "_part" + p;
            tgs.add(new TaskGraph(name));
            parts.add(new PartTasks(name, new LinkedHashMap<>()));
            Set<Tensor> consumed = split.parts().get(p).consumed();
            if (!consumed.isEmpty()) tgs.get(p).consumeFromDevice(parts.get(p - 1).name(), arrays(consumed));
        }
        return tgs;
    }

    private void declareCopiesIn(List<TaskGraph> tgs) {
        for (Step step : graph.steps()) {
            if (step instanceof Step.CopyIn in) {
                FloatArray array = arrays.get(in.tensor());
                tgs.get(split.owner(in.tensor())).transferToDevice(mode(in.mode()), array);
                copiesIn.add(new Copy(in.tensor(), array, in.mode() == DataTransferMode.FIRST_EXECUTION, false));
            }
        }
    }

    /** Each jvit task's TornadoVM tasks into its part; their grids, or null where no task has one. */
    private GridScheduler addLaunches(List<TaskGraph> tgs, List<Task> tasks, Map<Task, TornadoLaunch> launches) {
        GridScheduler grids = new GridScheduler();
        boolean anyGrid = false;
        for (int i = 0; i < tasks.size(); i++) {
            int p = split.partOf(i);
            TornadoLaunch launch = launches.get(tasks.get(i));
            // Scratch lives on the device only: declared once, never copied back.
            if (!launch.scratch().isEmpty())
                tgs.get(p).transferToDevice(uk.ac.manchester.tornado.api.enums.DataTransferMode.FIRST_EXECUTION, launch.scratch().toArray());
            for (TornadoTask task : launch.tasks()) {
                addTask(tgs.get(p), task, tasks.get(i));
                if (task.grid() != null) {
                    grids.addWorkerGrid(parts.get(p).name() + "." + task.id(), task.grid());
                    anyGrid = true;
                }
                parts.get(p).tasks().put(task.id(), tasks.get(i));
            }
        }
        return anyGrid ? grids : null;
    }

    /** Tensors only copied in and out still cross: a task touches each (TornadoVM fails on them otherwise). */
    private void addTouches(TaskGraph first) {
        FloatArray sink = new FloatArray(1);
        for (Tensor t : graph.tensors()) {
            if (split.firstPart().containsKey(t)) continue; // used by a task
            String id = "touch" + parts.getFirst().tasks().size();
            first.task(id, TornadoTouch::touch, arrays.get(t), sink);
            parts.getFirst().tasks().put(id, null);
        }
    }

    /**
     * The copies out, and the tensors kept for later parts. TornadoVM frees the buffers a task graph declares when it
     * closes, so each tensor is declared in one task graph only, the part that holds it (see TornadoSplit); a tensor
     * that later parts use is read back through it on demand, after the last part.
     */
    private void declareCopiesOut(List<TaskGraph> tgs) {
        for (int p = 0; p < tgs.size() - 1; p++) {
            Set<Tensor> persisted = split.parts().get(p).persisted();
            if (!persisted.isEmpty()) tgs.get(p).persistOnDevice(arrays(persisted));
        }
        Set<Tensor> copiedOut = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Step step : graph.steps()) {
            if (step instanceof Step.CopyOut out) {
                Tensor t = out.tensor();
                boolean firstOnly = out.mode() == DataTransferMode.FIRST_EXECUTION, persisted = split.persisted(t);
                // TornadoVM copies out every execution or on demand; a first-execution copy is asked for once.
                if (!persisted)
                    tgs.get(split.owner(t)).transferToHost(firstOnly ? uk.ac.manchester.tornado.api.enums.DataTransferMode.UNDER_DEMAND
                            : uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION, arrays.get(t));
                copiesOut.add(new Copy(t, arrays.get(t), firstOnly, firstOnly || persisted));
                copiedOut.add(t);
            }
        }
        // Any other host tensor may be read back on demand (copyToHost: parameters a training graph updates).
        for (Tensor t : graph.tensors())
            if (t.hasHost() && !copiedOut.contains(t) && !split.persisted(t))
                tgs.get(split.owner(t)).transferToHost(uk.ac.manchester.tornado.api.enums.DataTransferMode.UNDER_DEMAND, arrays.get(t));
    }

    private Object[] arrays(Set<Tensor> tensors) {
        return tensors.stream().map(arrays::get).toArray();
    }

    private void addTask(TaskGraph tg, TornadoTask task, Task of) {
        try {
            tg.addTask(task.task());
        } catch (java.nio.BufferOverflowException e) {
            // TornadoVM 5.2 records a task graph's tasks in a fixed 8 KiB buffer: TornadoSplit's budget keeps below it.
            throw new TornadoException(device.id() + ": graph " + graph.name() + " overflows a TornadoVM task graph at task " + of.name()
                    + " although jvit split it (TornadoSplit.Budget is too large for this TornadoVM)", e);
        } catch (RuntimeException e) {
            throw new TornadoException(device.id() + ": TornadoVM failed to compile task " + of.name() + " (" + of.op().name()
                    + ") of graph " + graph.name() + ": " + firstLine(e), e);
        }
    }

    /** The plan over the parts; TornadoVM sketches each task (parses and inlines its Java) here, and may fail. */
    private TornadoExecutionPlan plan(List<TaskGraph> tgs, GridScheduler grids) {
        try {
            TornadoExecutionPlan p = new TornadoExecutionPlan(tgs.stream().map(TaskGraph::snapshot).toArray(
                    uk.ac.manchester.tornado.api.ImmutableTaskGraph[]::new)).withDevice(device.tornado()).withProfiler(ProfilerMode.SILENT);
            return grids == null ? p : p.withGridScheduler(grids);
        } catch (RuntimeException e) {
            throw new TornadoException(device.id() + ": TornadoVM failed to build graph " + graph.name() + ": " + firstLine(e), e);
        }
    }

    /**
     * Each task's TornadoVM tasks, named {@code t<index>} (TornadoVM ids are identifiers); a graph with
     * an operator the TornadoVM kernels do not take is refused, by name, before anything is built.
     */
    private Map<Task, TornadoLaunch> lower(List<Task> tasks, Lowering lowering) {
        Map<Task, TornadoLaunch> launches = new IdentityHashMap<>();
        TornadoDeviceType type = device.tornado().getDeviceType();
        int index = 0;
        for (Task task : tasks) {
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

    /** How many TornadoVM task graphs the graph runs as. */
    int parts() { return parts.size(); }

    public ExecutionResult execute(boolean profile) {
        if (closed) throw new IllegalStateException("graph " + graph.name() + " was closed");
        long start = System.nanoTime();
        for (Copy c : copiesIn)
            if (!executed || !c.firstOnly()) MemorySegment.copy(c.tensor().host(), 0, c.array().getSegment(), 0, c.tensor().bytes());
        List<PartProfile> profiles = new ArrayList<>();
        Map<String, Long> kernelNanos = new HashMap<>();
        for (int p = 0; p < parts.size(); p++) {
            PartTasks part = parts.get(p);
            last = run(p);
            PartProfile profiled = PartProfile.of(last.getProfilerResult());
            profiles.add(profiled);
            Map<String, Long> nanos = TornadoProfile.kernelNanos(profiled.log(), part.name());
            for (Map.Entry<String, Task> t : part.tasks().entrySet())
                if (nanos.getOrDefault(t.getKey(), 0L) <= 0)
                    throw new TornadoException(device.id() + ": TornadoVM did not run task " + (t.getValue() == null ? t.getKey()
                            : t.getValue().name() + " (" + t.getValue().op().name() + ")") + " of graph " + graph.name()
                            + " on the device (no kernel time in its profile)");
            kernelNanos.putAll(nanos);
        }
        for (Copy c : copiesOut) {
            if (executed && c.firstOnly()) continue;
            if (c.onDemand()) transferToHost(c.tensor(), c.array());
            MemorySegment.copy(c.array().getSegment(), 0, c.tensor().host(), 0, c.tensor().bytes());
        }
        executed = true;
        lastProfiles = List.copyOf(profiles);
        return new ExecutionResult(System.nanoTime() - start, profile ? times(profiles, kernelNanos) : List.of());
    }

    /**
     * What TornadoVM's profiler says of one part's execution, read at once: its result reads the plan's
     * task graphs as they are selected when asked, so after the next part it would describe that one.
     */
    record PartProfile(String log, long writeNanos, long readNanos, long bytesIn, long bytesOut) {
        static PartProfile of(TornadoProfilerResult r) {
            return new PartProfile(r.getProfileLog(), r.getDeviceWriteTime(), r.getDeviceReadTime(), r.getTotalBytesCopyIn(), r.getTotalBytesCopyOut());
        }
    }

    /** The last execution's profile of each part (tests read the bytes each part copied). */
    List<PartProfile> lastProfiles() { return lastProfiles; }

    private TornadoExecutionResult run(int part) {
        try {
            return plan.withGraph(part).execute();
        } catch (TornadoInternalError e) {
            // TornadoVM 5.2's graph of a task graph has a fixed number of nodes (tasks, arrays, copies).
            if (String.valueOf(e.getMessage()).contains("resize"))
                throw new UserError("device " + device.id() + " cannot run graph " + graph.name() + ": part " + part + " of the "
                        + parts.size() + " TornadoVM task graphs jvit split it into is larger than one holds (too many tensors"
                        + " live across it); use a smaller model or another device (see `vit devices`)", e);
            throw new TornadoException(device.id() + ": TornadoVM failed running graph " + graph.name() + ": " + firstLine(e), e);
        } catch (RuntimeException e) {
            throw new TornadoException(device.id() + ": TornadoVM failed running graph " + graph.name() + ": " + firstLine(e), e);
        }
    }

    /** Copies in (TornadoVM reports their total over the parts), each jvit task (the sum of its TornadoVM tasks), copies out. */
    private List<TaskTime> times(List<PartProfile> profiles, Map<String, Long> kernelNanos) {
        List<TaskTime> times = new ArrayList<>();
        long in = profiles.stream().mapToLong(PartProfile::writeNanos).sum(), out = profiles.stream().mapToLong(PartProfile::readNanos).sum();
        if (in > 0) times.add(new TaskTime("copy_in", "copy_in", in));
        Map<Task, Long> byTask = new IdentityHashMap<>();
        for (PartTasks part : parts)
            part.tasks().forEach((id, task) -> {
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
        transferToHost(tensor, array);
        MemorySegment.copy(array.getSegment(), 0, tensor.host(), 0, tensor.bytes());
    }

    /** An on-demand copy, through the part that holds the tensor (TornadoVM copies through the task graphs the plan selects). */
    private void transferToHost(Tensor tensor, FloatArray array) {
        try {
            plan.withGraph(split.owner(tensor));
            last.transferToHost(array);
        } catch (RuntimeException e) {
            throw new TornadoException(device.id() + ": copying " + tensor.name() + " to the host failed: " + firstLine(e), e);
        }
    }

    public void close() {
        if (closed) return;
        closed = true;
        try {
            plan.withAllGraphs(); // closing frees the selected task graphs' memory only
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
