package jvit.runtime.schedule;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Step;
import jvit.runtime.Task;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;

/**
 * Cuts a task graph into a {@link Placement}: given the device of every launch, consecutive
 * launches on one device form a stage. Each stage copies in the graph's inputs it reads (weights
 * stay {@code FIRST_EXECUTION}); a tensor written in one stage and read in a later one gets, in
 * each of the two, its own host-backed stand-in, copied out by the producer and in by the consumer,
 * so that stages running different micro-batches at once never share memory. For the same reason
 * an input copied in every run that a later stage reads crosses to it from the first stage's host
 * memory, as a tensor the first stage wrote would. (Tensors are equal
 * only to themselves, so the hash maps here are identity maps that keep their order.)
 */
public final class GraphSplitter {
    private GraphSplitter() {}

    /** @param deviceOfLaunch the device of each of {@code graph.tasks()}, in order */
    public static Placement split(ImmutableTaskGraph graph, List<Device> deviceOfLaunch, Arena arena) {
        List<Task> tasks = graph.tasks();
        if (deviceOfLaunch.size() != tasks.size())
            throw new IllegalArgumentException(tasks.size() + " tasks but " + deviceOfLaunch.size() + " devices");
        int[] stageOf = new int[tasks.size()];
        List<Device> stageDevices = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            if (i == 0 || deviceOfLaunch.get(i) != deviceOfLaunch.get(i - 1)) stageDevices.add(deviceOfLaunch.get(i));
            stageOf[i] = stageDevices.size() - 1;
        }
        int stages = stageDevices.size();
        if (stages == 1) return Placement.single(stageDevices.getFirst(), graph);

        Map<Tensor, DataTransferMode> inputs = new LinkedHashMap<>();
        for (Step step : graph.steps()) if (step instanceof Step.CopyIn in) inputs.put(in.tensor(), in.mode());
        List<Set<Tensor>> copyIns = new ArrayList<>();
        List<Set<Tensor>> crossingOut = new ArrayList<>();
        List<Map<Tensor, Tensor>> standIns = new ArrayList<>();
        for (int s = 0; s < stages; s++) {
            copyIns.add(identitySet());
            crossingOut.add(identitySet());
            standIns.add(new LinkedHashMap<>());
        }
        List<Placement.Transfer> transfers = new ArrayList<>();
        Map<Tensor, Integer> lastWriter = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            int s = stageOf[i];
            for (Tensor t : tasks.get(i).inputs()) {
                Integer writer = lastWriter.get(t);
                if (writer == null && s > 0 && inputs.get(t) == DataTransferMode.EVERY_EXECUTION) {
                    // Taken from the host as the first stage takes its micro-batch: later stages run earlier ones by then.
                    Tensor target = standIn(standIns.get(s), t, s, arena);
                    if (transfers.stream().noneMatch(x -> x.target() == target)) transfers.add(new Placement.Transfer(0, s, t, target));
                } else if (writer == null) copyIns.get(s).add(t);
                else if (writer != s) {
                    if (inputs.containsKey(t))
                        throw new IllegalArgumentException("graph " + graph.name() + ": " + t + " is copied in, then written, and read on another device");
                    Tensor source = standIn(standIns.get(writer), t, writer, arena), target = standIn(standIns.get(s), t, s, arena);
                    if (transfers.stream().noneMatch(x -> x.target() == target && x.source() == source)) {
                        transfers.add(new Placement.Transfer(writer, s, source, target));
                        crossingOut.get(writer).add(source);
                    }
                }
            }
            for (Tensor t : tasks.get(i).outputs()) lastWriter.put(t, s);
        }
        List<Set<Tensor>> copyOuts = new ArrayList<>();
        for (int s = 0; s < stages; s++) copyOuts.add(identitySet());
        for (Step step : graph.steps()) {
            if (!(step instanceof Step.CopyOut out)) continue;
            int s = lastWriter.getOrDefault(out.tensor(), 0);
            if (standIns.get(s).containsKey(out.tensor()))
                throw new IllegalArgumentException("graph " + graph.name() + ": " + out.tensor() + " is a result and also crosses devices");
            copyOuts.get(s).add(out.tensor());
        }

        List<Placement.Stage> result = new ArrayList<>();
        for (int s = 0; s < stages; s++) {
            Map<Tensor, Tensor> mine = standIns.get(s);
            TaskGraph g = new TaskGraph(graph.name() + "." + s);
            for (Tensor t : copyIns.get(s)) g.transferToDevice(inputs.get(t), t);
            for (Placement.Transfer x : transfers) if (x.to() == s) g.transferToDevice(DataTransferMode.EVERY_EXECUTION, x.target());
            for (int i = 0; i < tasks.size(); i++) {
                if (stageOf[i] != s) continue;
                Task task = tasks.get(i);
                g.task(task.name(), task.op(), task.args().stream().map(t -> mine.getOrDefault(t, t)).toArray(Tensor[]::new));
            }
            for (Tensor t : crossingOut.get(s)) g.transferToHost(DataTransferMode.EVERY_EXECUTION, t);
            for (Tensor t : copyOuts.get(s)) g.transferToHost(DataTransferMode.EVERY_EXECUTION, t);
            result.add(new Placement.Stage(stageDevices.get(s), g.snapshot()));
        }
        return new Placement(result, transfers);
    }

    private static Tensor standIn(Map<Tensor, Tensor> standIns, Tensor t, int stage, Arena arena) {
        return standIns.computeIfAbsent(t, k -> Tensor.allocate(k.name() + "@" + stage, arena, k.shape()));
    }

    private static Set<Tensor> identitySet() {
        return new LinkedHashSet<>();
    }
}
