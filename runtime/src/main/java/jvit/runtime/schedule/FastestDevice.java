package jvit.runtime.schedule;

import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;
import jvit.runtime.Device;
import jvit.runtime.ImmutableTaskGraph;

/**
 * {@code --device auto} for a piece of work: the device that runs its graph fastest, by the graph's
 * own timings ({@link GraphTimes}) rather than the profiles' square-matmul figures, which misjudge
 * the small products of small models (the default model ran 2.2× faster on PoCL than on java while
 * the profiles tied them).
 */
public final class FastestDevice {
    private FastestDevice() {}

    /** What was chosen and why: each candidate's seconds per run, NaN where it could not run the graph. */
    public record Choice(Device device, Map<Device, Double> seconds) {}

    /**
     * The candidate with the least {@code seconds(graph, device)}; on a tie the one named first.
     * A device that cannot run the graph (an operator without a kernel, a failing driver) is passed
     * over; if none can, the first candidate, whose own error will then say why.
     */
    public static Choice pick(ImmutableTaskGraph graph, List<Device> candidates, ToDoubleBiFunction<ImmutableTaskGraph, Device> seconds) {
        if (candidates.isEmpty()) throw new IllegalArgumentException("no candidate device");
        Map<Device, Double> times = new java.util.LinkedHashMap<>();
        Device best = null;
        for (Device d : candidates) {
            double s;
            try {
                s = candidates.size() == 1 ? Double.NaN : seconds.applyAsDouble(graph, d);
            } catch (RuntimeException e) {
                s = Double.NaN;
            }
            times.put(d, s);
            if (!Double.isNaN(s) && (best == null || s < times.get(best))) best = d;
        }
        return new Choice(best == null ? candidates.getFirst() : best, times);
    }
}
