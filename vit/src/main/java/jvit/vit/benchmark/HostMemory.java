package jvit.vit.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's memory, as Linux counts it: what is installed, and what a benchmark loading a case can still get. */
public final class HostMemory {
    private HostMemory() {}

    public static long totalBytes() { return field("MemTotal:", os().getTotalMemorySize()); }

    /** MemAvailable: free memory plus the caches the kernel would give up. */
    public static long availableBytes() { return field("MemAvailable:", os().getFreeMemorySize()); }

    private static long field(String key, long fallback) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo")))
                if (line.startsWith(key)) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        } catch (IOException | RuntimeException e) {
            // not Linux: the JVM's figure
        }
        return fallback;
    }

    private static com.sun.management.OperatingSystemMXBean os() {
        return (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    }
}
