package jvit.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one execution of a graph took: the whole, and each task when profiling was asked for. */
public record ExecutionResult(long totalNanos, List<TaskTime> taskTimes) {
    /** Time of one task (a launch or a copy) on the device. */
    public record TaskTime(String task, String kind, long nanos) {}

    public ExecutionResult {
        taskTimes = List.copyOf(taskTimes);
    }

    /** Nanoseconds per kind of task (operator name, or {@code copy_in}/{@code copy_out}), in order of first appearance. */
    public Map<String, Long> nanosByKind() {
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (TaskTime t : taskTimes) byKind.merge(t.kind(), t.nanos(), Long::sum);
        return byKind;
    }
}
