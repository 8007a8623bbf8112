package jvit.vit.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import jdk.incubator.vector.FloatVector;

/**
 * A CPU's float32 peak: physical cores × 2 FMA pipes × float lanes × 2 flops a cycle, at a
 * measured clock. Two FMA pipes of the full vector width is what x86 cores since Haswell and
 * Zen 5 have (Zen 4 splits 512-bit operations in two: there the figure is twice too high).
 */
public record CpuPeak(int cores, int lanes, double clockGhz) {
    static final int FMA_PIPES = 2;

    /** This machine's cores and the Java vector width, at {@code clockGhz}. */
    public static CpuPeak here(double clockGhz) {
        return new CpuPeak(physicalCores(), FloatVector.SPECIES_PREFERRED.length(), clockGhz);
    }

    public double gflops() { return (double) cores * FMA_PIPES * lanes * 2 * clockGhz; }

    /** {@code 2 cores × 2 FMA pipes × 16 lanes × 2 flops × 3.65 GHz (measured)}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%d cores × %d FMA pipes × %d float lanes × 2 flops × %.2f GHz (measured clock)",
                cores, FMA_PIPES, lanes, clockGhz);
    }

    /** Cores, not hardware threads: the distinct sibling sets among the CPUs this process may use. */
    static int physicalCores() {
        int cpus = Runtime.getRuntime().availableProcessors();
        Set<String> cores = new HashSet<>();
        try {
            for (int cpu = 0; cpu < cpus; cpu++)
                cores.add(Files.readString(Path.of("/sys/devices/system/cpu/cpu" + cpu + "/topology/thread_siblings_list")).trim());
            return cores.size();
        } catch (IOException | RuntimeException e) {
            return cpus; // not Linux: one thread a core
        }
    }
}
