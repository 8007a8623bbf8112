package jvit.vit.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jvit.vit.benchmark.HostMemory;

/** Where a report ran, in words: host, CPU, memory, OS, JDK and jvit's commit. */
public final class MachineInfo {
    private MachineInfo() {}

    static Map<String, String> collect(Path home) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("host", host());
        m.put("cpu", cpuModel());
        m.put("cores", CpuPeak.physicalCores() + " (" + Runtime.getRuntime().availableProcessors() + " hardware threads)");
        m.put("memory", String.format(java.util.Locale.ROOT, "%.1f GiB", HostMemory.totalBytes() / (double) (1L << 30)));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")");
        String commit = commit(home);
        if (commit != null) m.put("jvit", commit);
        return m;
    }

    /** The one-minute load average (runnable processes), or "unknown". */
    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The host name, as safe for a file name: letters, digits, dots and dashes. */
    public static String host() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = Files.readString(Path.of("/etc/hostname")).trim();
            } catch (IOException e) {
                name = "localhost";
            }
        }
        return name.replaceAll("[^A-Za-z0-9.-]", "-");
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }

    /** {@code git describe} of the jvit checkout, with {@code -dirty} when it has changes; null outside one. */
    private static String commit(Path home) {
        if (home == null) return null;
        try {
            Process p = new ProcessBuilder("git", "-C", home.toString(), "describe", "--always", "--dirty")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty() ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
