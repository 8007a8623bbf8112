package jvit.vit.hub;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;

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

    /** Draws on stderr where the process has a terminal; otherwise draws nothing. */
    static DownloadProgress onTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal() ? new DownloadProgress(System.err) : silent();
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

    /** The progress line: the file, the megabytes so far of the total, the percentage where the total is known. */
    static String line(String file, long done, long total) {
        if (total < 0) return String.format(Locale.ROOT, "downloading %s  %.1f MB", file, done / 1e6);
        return String.format(Locale.ROOT, "downloading %s  %.1f / %.1f MB  %d%%", file, done / 1e6, total / 1e6,
                total == 0 ? 100 : Math.round(100.0 * done / total));
    }
}
