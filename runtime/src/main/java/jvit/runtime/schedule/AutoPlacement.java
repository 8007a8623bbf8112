package jvit.runtime.schedule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Step;
import jvit.runtime.Task;
import jvit.runtime.Tensor;

/**
 * Per-operator placement from device profiles: each launch, in order, goes to the device where it
 * would finish first, counting the copies its inputs would need to get there (through the host,
 * as the stages exchange them: each copy's bytes, and each device's round-trip latency once per
 * crossing tensor). Weights cost nothing: they are copied once. Greedy, so a device is left only
 * when an operator gains more there than the move costs; and no placement is kept that the same
 * estimates put behind one device alone.
 */
public final class AutoPlacement {
    private AutoPlacement() {}

    /**
     * The device of each of {@code graph.tasks()}; on a tie the one named first. The greedy choice,
     * unless one device alone is estimated faster (the greedy cannot see that a move pays only
     * later, or never): then that device for all.
     */
    public static List<Device> assign(ImmutableTaskGraph graph, List<Device> devices, Function<Device, DeviceProfile> profiles) {
        List<Device> best = greedy(graph, devices, profiles);
        double bestSeconds = seconds(graph, best, profiles);
        for (Device d : devices) {
            List<Device> alone = Collections.nCopies(graph.tasks().size(), d);
            double s = seconds(graph, alone, profiles);
            if (s < bestSeconds) {
                best = alone;
                bestSeconds = s;
            }
        }
        return best;
    }

    private static List<Device> greedy(ImmutableTaskGraph graph, List<Device> devices, Function<Device, DeviceProfile> profiles) {
        Costs costs = new Costs(graph, profiles);
        List<Device> chosen = new ArrayList<>();
        for (Task task : graph.tasks()) {
            Device best = null;
            double bestSeconds = Double.POSITIVE_INFINITY;
            for (Device d : devices) {
                double s = costs.seconds(task, d);
                if (s < bestSeconds) {
                    best = d;
                    bestSeconds = s;
                }
            }
            costs.place(task, best);
            chosen.add(best);
        }
        return chosen;
    }

    /** Estimated seconds of one run of {@code graph} with each launch on the device given. */
    public static double seconds(ImmutableTaskGraph graph, List<Device> deviceOfLaunch, Function<Device, DeviceProfile> profiles) {
        Costs costs = new Costs(graph, profiles);
        double total = 0;
        List<Task> tasks = graph.tasks();
        for (int i = 0; i < tasks.size(); i++) {
            total += costs.seconds(tasks.get(i), deviceOfLaunch.get(i));
            costs.place(tasks.get(i), deviceOfLaunch.get(i));
        }
        return total;
    }

    /** Where each tensor's latest value is, and what a launch would cost on a device given that. */
    private static final class Costs {
        private final Function<Device, DeviceProfile> profiles;
        private final Map<Tensor, DataTransferMode> inputs = new LinkedHashMap<>();
        private final Map<Tensor, Device> where = new LinkedHashMap<>();

        Costs(ImmutableTaskGraph graph, Function<Device, DeviceProfile> profiles) {
            this.profiles = profiles;
            for (Step step : graph.steps()) if (step instanceof Step.CopyIn in) inputs.put(in.tensor(), in.mode());
        }

        double seconds(Task task, Device d) {
            DeviceProfile here = profiles.apply(d);
            double s = here.seconds(task.op());
            for (Tensor t : task.inputs()) {
                Device at = where.get(t);
                if (at == null && inputs.get(t) == DataTransferMode.EVERY_EXECUTION) s += here.transferSeconds(t.bytes());
                else if (at != null && at != d) {
                    DeviceProfile there = profiles.apply(at);
                    s += there.transferSeconds(t.bytes()) + here.transferSeconds(t.bytes())
                            + (there.roundTripMicros() + here.roundTripMicros()) * 1e-6;
                }
            }
            return s;
        }

        void place(Task task, Device d) {
            for (Tensor t : task.outputs()) where.put(t, d);
        }
    }
}
