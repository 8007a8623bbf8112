package jvit.runtime.schedule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;
import java.util.function.ToDoubleBiFunction;
import jvit.runtime.Device;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Task;
import jvit.runtime.UserError;
import jvit.runtime.io.AtomicFile;

/**
 * Seconds of one run of a graph on a device, measured once and kept between runs beside the
 * profiles ({@code .../jvit/graph-times}), one file per device model and driver, a line per graph
 * shape (its operators and their sizes, hashed). A few seconds the first time a model shape meets
 * a device: run until the runs stop getting faster (the java device's kernels run far slower until
 * the JIT has compiled them), the best of them, the least disturbed on a shared machine.
 */
public final class GraphTimes implements ToDoubleBiFunction<ImmutableTaskGraph, Device> {
    /** Bumped when what is timed changes, so that old figures are timed again. */
    private static final String FORMAT = "3";
    private static final int RUNS = 3, WARM_UP_RUNS = 2;
    private static final long WARM_UP_NANOS = 1_500_000_000L, STEADY_NANOS = 1_000_000_000L, MAX_NANOS = 30_000_000_000L;
    private static final java.lang.management.CompilationMXBean JIT = java.lang.management.ManagementFactory.getCompilationMXBean();

    private final Path directory;
    private final ToDoubleBiFunction<ImmutableTaskGraph, Device> measure;
    private final boolean again;
    /** With {@code again}: what this instance has timed already (device key and graph shape). */
    private final java.util.Set<String> retimed = new java.util.HashSet<>();

    /** @param measure how a graph is timed where nothing is cached ({@link #time} but in tests) */
    public GraphTimes(Path directory, ToDoubleBiFunction<ImmutableTaskGraph, Device> measure) {
        this(directory, measure, false);
    }

    private GraphTimes(Path directory, ToDoubleBiFunction<ImmutableTaskGraph, Device> measure, boolean again) {
        this.directory = directory;
        this.measure = measure;
        this.again = again;
    }

    /** These times, each graph timed again when first asked for and cached anew (a figure taken on a busy machine replaced). */
    public GraphTimes timedAgain() {
        return new GraphTimes(directory, measure, true);
    }


    /** Beside the profile cache ({@link ProfileCache#standard()}), timing for real. */
    public static GraphTimes standard() {
        return new GraphTimes(ProfileCache.standard().directory().resolveSibling("graph-times"), GraphTimes::time);
    }

    /** The cached seconds of {@code graph} on {@code device}, or timed now and cached. */
    @Override
    public double applyAsDouble(ImmutableTaskGraph graph, Device device) {
        String key = ProfileCache.key(device);
        Path file = directory.resolve(ProfileCache.fileName(key));
        Properties p = load(file, key);
        String shape = shape(graph);
        String cached = p.getProperty(shape);
        if (cached != null && (!again || retimed.contains(key + shape))) return Double.parseDouble(cached);
        retimed.add(key + shape);
        double seconds = measure.applyAsDouble(graph, device);
        p.setProperty(shape, Double.toString(seconds));
        try {
            Files.createDirectories(directory);
            AtomicFile.write(file, out -> p.store(out, "jvit: seconds of one run per graph shape"));
        } catch (IOException | UserError e) {
            // a read-only home still runs: timed again next time
        }
        return seconds;
    }

    /** What the file for {@code key} holds, or an empty set (a missing, damaged or older file). */
    private static Properties load(Path file, String key) {
        Properties p = new Properties();
        if (Files.isRegularFile(file))
            try (var in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException | RuntimeException e) {
                p.clear();
            }
        if (!key.equals(p.getProperty("key")) || !FORMAT.equals(p.getProperty("format"))) {
            p.clear();
            p.setProperty("key", key);
            p.setProperty("format", FORMAT);
        }
        return p;
    }

    /** A graph's shape: its operators with their sizes, in order, hashed (SHA-256, 16 hex digits). */
    static String shape(ImmutableTaskGraph graph) {
        StringBuilder s = new StringBuilder();
        for (Task t : graph.tasks()) s.append(t.op()).append('\n');
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return "graph." + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Seconds of the fastest run of {@code graph} on {@code device}, after WARM_UP_RUNS. Timed runs go
     * on for at least WARM_UP_NANOS (warm-up included), then until the best has not improved by 3%
     * for RUNS runs and STEADY_NANOS and the JIT has been quiet as long, at most MAX_NANOS. The java
     * device's code may still be compiling (the default model's first runs took 1122, 388, 252, 108,
     * 29 ms, and 0.9 ms from the 200th), and where TornadoVM has compiled kernels (Graal, in this JVM)
     * the JIT's queues stay full for tens of seconds: `-XX:+PrintCompilation` showed the matmul kernel
     * without compiled code for 15 s. Three runs after a fixed 1.5 s warm-up had timed the java device
     * 5-45× too slow.
     */
    public static double time(ImmutableTaskGraph graph, Device device) {
        try (ExecutionPlan plan = new ExecutionPlan(graph, device)) {
            long start = System.nanoTime();
            for (int i = 0; i < WARM_UP_RUNS; i++) plan.execute(); // never counted: a device may compile its kernels in the first
            long best = Long.MAX_VALUE, gained = start; // when the best last improved by 3%
            long compiling = JIT.getTotalCompilationTime(), compiled = start; // when the JIT was last seen busy
            for (int sinceBest = 0; ; ) {
                long t = System.nanoTime();
                plan.execute();
                long now = System.nanoTime(), took = now - t, elapsed = now - start;
                if (took < 0.97 * best) {
                    sinceBest = 0;
                    gained = now;
                } else {
                    sinceBest++;
                }
                best = Math.min(best, took);
                long jit = JIT.getTotalCompilationTime();
                if ((jit - compiling) * 1_000_000 > (now - t) / 10) compiled = now; // compiling a tenth of the run's time or more
                compiling = jit;
                boolean steady = sinceBest >= RUNS && now - gained >= STEADY_NANOS && now - compiled >= STEADY_NANOS;
                if (elapsed >= MAX_NANOS || elapsed >= WARM_UP_NANOS && steady) return best / 1e9;
            }
        }
    }
}
