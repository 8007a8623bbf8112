package jvit.runtime.tornado;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jvit.kernels.tornado.TornadoLaunch;
import jvit.kernels.tornado.TornadoTask;
import jvit.runtime.Task;
import jvit.runtime.Tensor;

/**
 * Cuts a jvit graph's launches, in order, into parts that each fit one TornadoVM 5.2 task graph, which
 * records its tasks in a fixed 8 KiB buffer and its dataflow in a fixed table of 1024 nodes.
 *
 * <p>A tensor lives in one device buffer, held by the first part that uses it ({@code persistOnDevice} there),
 * to the last. TornadoVM hands a buffer on only from the task graph that ran just before
 * ({@code consumeFromDevice}), so every part in between takes it over, used or not.
 */
final class TornadoSplit {
    /** What one part may hold, in the units of {@link #cost}. */
    record Budget(int codeBytes, int nodes, int tasks) {
        /**
         * TornadoVM 5.2 holds 8192 bytes of task code, 1024 nodes and 256 tasks in a task graph; the node count
         * is an over-estimate, the rest is room for what the estimate does not see.
         */
        static final Budget TORNADOVM = new Budget(7168, 960, 224);
    }

    /**
     * The launches {@code first..last} (indices into the graph's tasks), the tensors the part takes over from
     * the part before, and those it holds and leaves for the parts after.
     */
    record Part(int first, int last, Set<Tensor> consumed, Set<Tensor> persisted) {}

    /** Each part, and for each tensor the parts it lives in (a tensor no task uses lives in part 0). */
    record Split(List<Part> parts, Map<Tensor, Integer> firstPart, Map<Tensor, Integer> lastPart) {
        /** The part that holds a tensor's buffer: the first that uses it. */
        int owner(Tensor t) { return firstPart.getOrDefault(t, 0); }

        /** Whether later parts use the tensor too (its owner persists it). */
        boolean persisted(Tensor t) { return lastPart.getOrDefault(t, 0) > owner(t); }

        int partOf(int task) {
            for (int p = 0; p < parts.size(); p++) if (task <= parts.get(p).last()) return p;
            throw new IndexOutOfBoundsException(task);
        }
    }

    private TornadoSplit() {}

    /** {@code tasks}: the graph's launches in order, each with its TornadoVM tasks in {@code launches}. */
    static Split split(List<Task> tasks, Map<Task, TornadoLaunch> launches, Budget budget) {
        Map<Tensor, Integer> firstUse = new IdentityHashMap<>(), lastUse = new IdentityHashMap<>();
        for (int i = 0; i < tasks.size(); i++)
            for (Tensor t : tasks.get(i).args()) {
                firstUse.putIfAbsent(t, i);
                lastUse.put(t, i);
            }
        List<int[]> ranges = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < tasks.size(); i++) {
            if (i > start && !fits(tasks, launches, firstUse, lastUse, start, i, budget)) {
                ranges.add(new int[] {start, i - 1});
                start = i;
            }
        }
        ranges.add(new int[] {start, Math.max(start, tasks.size() - 1)});

        Map<Tensor, Integer> firstPart = new IdentityHashMap<>(), lastPart = new IdentityHashMap<>();
        for (int p = 0; p < ranges.size(); p++)
            for (int i = ranges.get(p)[0]; i <= ranges.get(p)[1] && i < tasks.size(); i++)
                for (Tensor t : tasks.get(i).args()) {
                    firstPart.putIfAbsent(t, p);
                    lastPart.put(t, p);
                }
        List<Part> parts = new ArrayList<>();
        for (int p = 0; p < ranges.size(); p++) {
            Set<Tensor> consumed = Collections.newSetFromMap(new IdentityHashMap<>()), persisted = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Map.Entry<Tensor, Integer> e : firstPart.entrySet()) {
                int first = e.getValue(), last = lastPart.get(e.getKey());
                if (first < p && p <= last) consumed.add(e.getKey());
                if (first == p && p < last) persisted.add(e.getKey());
            }
            parts.add(new Part(ranges.get(p)[0], ranges.get(p)[1], ordered(tasks, consumed), ordered(tasks, persisted)));
        }
        return new Split(List.copyOf(parts), firstPart, lastPart);
    }

    /** Whether launches {@code start..end} fit one task graph, with the tensors passing through. */
    private static boolean fits(List<Task> tasks, Map<Task, TornadoLaunch> launches, Map<Tensor, Integer> firstUse,
                                Map<Tensor, Integer> lastUse, int start, int end, Budget budget) {
        int codeBytes = 0, nodes = 0, count = 0;
        for (int i = start; i <= end; i++) {
            for (TornadoTask task : launches.get(tasks.get(i)).tasks()) {
                int[] c = cost(task);
                codeBytes += c[0];
                nodes += c[1];
                count++;
            }
        }
        // Each tensor the part holds (used, or passed along) is an object node, and a node to keep or free it.
        for (Map.Entry<Tensor, Integer> e : firstUse.entrySet())
            if (e.getValue() <= end && lastUse.get(e.getKey()) >= start) nodes += 2;
        return codeBytes <= budget.codeBytes() && nodes <= budget.nodes() && count <= budget.tasks();
    }

    /**
     * A task's share of a TornadoVM task graph: its code (TornadoVM writes 15 bytes and 5 per argument)
     * and its nodes (a task node, and per argument at most an object or constant, a node that allocates,
     * copies or reads it, and one that frees or keeps it).
     */
    static int[] cost(TornadoTask task) {
        int args = task.task().getTaskParameters().length - 1; // the first parameter is the code
        return new int[] {15 + 5 * args, 1 + 3 * args};
    }

    /** The tensors of {@code set} in order of first use, so each part declares them in the same order every time. */
    private static Set<Tensor> ordered(List<Task> tasks, Set<Tensor> set) {
        Set<Tensor> ordered = new LinkedHashSet<>();
        for (Task task : tasks) for (Tensor t : task.args()) if (set.contains(t)) ordered.add(t);
        return Collections.unmodifiableSet(ordered);
    }
}
