package jvit.runtime.java;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What Linux says about the CPU and memory; plain words where it says nothing. */
final class CpuInfo {
    private CpuInfo() {}

    static String modelName() {
        return field(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch") + " CPU");
    }

    static String memory() {
        return field(Path.of("/proc/meminfo"), "MemTotal")
                .map(v -> String.format("%.1f GiB", Long.parseLong(v.replaceAll("\\D", "")) / 1048576.0))
                .orElse("unknown");
    }

    private static java.util.Optional<String> field(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines)
                if (line.startsWith(key) && line.contains(":")) return java.util.Optional.of(line.substring(line.indexOf(':') + 1).trim());
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not readable: the caller's fallback is the answer.
        }
        return java.util.Optional.empty();
    }
}
