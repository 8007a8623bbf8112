package jvit.runtime.tornado;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the per-task kernel times out of TornadoVM's profiler log (JSON, one object per {@code graph.task}). */
final class TornadoProfile {
    private static final Pattern TASK = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\\{([^{}]*)\\}");
    private static final Pattern KERNEL_TIME = Pattern.compile("\"TASK_KERNEL_TIME\"\\s*:\\s*\"(\\d+)\"");

    private TornadoProfile() {}

    /** Nanoseconds on the device of each task of {@code graph} that ran, by task id (without the graph prefix). */
    static Map<String, Long> kernelNanos(String log, String graph) {
        Map<String, Long> nanos = new HashMap<>();
        if (log == null) return nanos;
        Matcher task = TASK.matcher(log);
        while (task.find()) {
            String key = task.group(1);
            if (!key.startsWith(graph + ".")) continue;
            Matcher time = KERNEL_TIME.matcher(task.group(2));
            if (time.find()) nanos.put(key.substring(graph.length() + 1), Long.parseLong(time.group(1)));
        }
        return nanos;
    }
}
