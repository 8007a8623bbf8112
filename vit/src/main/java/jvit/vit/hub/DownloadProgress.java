package jvit.vit.hub;

import java.io.Console;
import java.io.PrintStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * A download's progress on one line of a terminal, redrawn at most ten times a second:
 * {@code model.safetensors  12.3 / 346.4 MB  3%}. Silent when stderr is not a terminal, so logs
 * and pipes get no carriage returns.
 */
class DownloadProgress {
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private String file;
    private long total, done, lastDraw;

    DownloadProgress(PrintStream out) {
        this.out = out;
    }

    /** Draws on stderr where stderr is a terminal (even with stdout redirected to a file); otherwise draws nothing. */
    static DownloadProgress onTerminal() {
        return stderrIsTerminal() ? new DownloadProgress(System.err) : silent();
    }

    /**
     * What {@code bin/vit} found ({@code -Djvit.stderr.terminal}: it filters stderr through a pipe);
     * else C's {@code isatty(2)} where the C library has it; else the JDK's console, which asks it of stdin and stdout.
     */
    private static boolean stderrIsTerminal() {
        String known = System.getProperty("jvit.stderr.terminal");
        if (known != null) return Boolean.parseBoolean(known);
        Linker linker = Linker.nativeLinker();
        Optional<MemorySegment> isatty = linker.defaultLookup().find("isatty");
        if (isatty.isPresent()) {
            try {
                MethodHandle call = linker.downcallHandle(isatty.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
                return (int) call.invokeExact(2) == 1;
            } catch (Throwable unavailable) {
                // no native access granted: fall back to the console
            }
        }
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    static DownloadProgress silent() {
        return new DownloadProgress(null);
    }

    void start(String file, long total, long initial) {
        this.file = file;
        this.total = total;
        this.done = initial;
        this.lastDraw = 0;
        draw(true);
    }

    void advance(long bytes) {
        done += bytes;
        draw(false);
    }

    void finish() {
        draw(true);
        if (out != null) out.println();
    }

    private void draw(boolean now) {
        if (out == null) return;
        long t = System.nanoTime();
        if (!now && t - lastDraw < REDRAW_NANOS) return;
        lastDraw = t;
        out.print("\r" + line(file, done, total));
        out.flush();
    }

    /** The progress line: the file, the kilo- or megabytes so far of the total, the percentage where the total is known. */
    static String line(String file, long done, long total) {
        boolean mega = Math.max(done, total) >= 1_000_000;
        double unit = mega ? 1e6 : 1e3;
        String name = mega ? "MB" : "kB";
        if (total < 0) return String.format(Locale.ROOT, "downloading %s  %.1f %s", file, done / unit, name);
        return String.format(Locale.ROOT, "downloading %s  %.1f / %.1f %s  %d%%", file, done / unit, total / unit, name,
                total == 0 ? 100 : Math.round(100.0 * done / total));
    }
}
