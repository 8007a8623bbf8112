package jvit.kernels.tornado;

import java.util.List;
import jvit.kernels.device.KernelArg;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid;

/**
 * One TornadoVM task of an operator: its arguments in the task method's order, how to add it to
 * a TornadoVM {@link TaskGraph}, and its grid. The backend resolves {@link KernelArg.Tensor} to the
 * {@code FloatArray} of that operator argument, {@link KernelArg.Scratch} to a device-only
 * {@code FloatArray}, {@link KernelArg.Int}/{@link KernelArg.Float} to boxed scalars;
 * {@link KernelArg.Null} is refused (TornadoVM passes no null arrays).
 *
 * @param name short task name, {@code [a-z0-9_]}, unique among the operator's launches
 * @param grid the worker grid, or {@code null} for TornadoVM's default over {@code @Parallel} loops
 */
public record TornadoLaunch(String name, List<KernelArg> args, TaskCode code, WorkerGrid grid) {
    /** Adds the task method to {@code graph} under {@code taskId}, with {@code args} resolved in order. */
    @FunctionalInterface
    public interface TaskCode {
        void addTo(TaskGraph graph, String taskId, Object[] args);
    }

    public TornadoLaunch {
        if (!name.matches("[a-z0-9_]+")) throw new IllegalArgumentException("task name " + name + " is not [a-z0-9_]+");
        args = List.copyOf(args);
        for (KernelArg a : args)
            if (a instanceof KernelArg.Null)
                throw new IllegalArgumentException("task " + name + ": TornadoVM passes no null arrays; use a task method without that argument");
    }
}
