package jvit.vit.train;

import java.io.PrintWriter;

/**
 * The training progress line on stderr: epoch, step, loss, accuracy, images/s, ETA. On a terminal
 * it is redrawn in place a few times a second; otherwise a line is printed every few percent.
 */
public final class Progress {
    private final PrintWriter err;
    private final boolean terminal;
    private long lastDraw;
    private int lastPercent = -1;

    public Progress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** A progress that prints nothing. */
    public static Progress silent() {
        return new Progress(new PrintWriter(java.io.Writer.nullWriter()), false);
    }

    void step(int epoch, int epochs, long batch, long batches, double loss, double accuracy, long startedNanos, long images) {
        long now = System.nanoTime();
        int percent = (int) (100 * batch / batches);
        boolean last = batch == batches;
        if (terminal ? now - lastDraw < 200_000_000L && !last : percent / 5 == lastPercent / 5 && !last) return;
        lastDraw = now;
        lastPercent = percent;
        double seconds = (now - startedNanos) / 1e9, rate = images / Math.max(seconds, 1e-9);
        long eta = (long) ((batches - batch) * (images / (double) Math.max(1, batch)) / Math.max(rate, 1e-9));
        int width = 24, filled = (int) (width * batch / batches);
        String bar = "=".repeat(filled) + (filled < width ? ">" + " ".repeat(width - filled - 1) : "");
        String line = String.format("epoch %d/%d [%s] %d/%d loss %.4f acc %.2f%% %.0f img/s ETA %d:%02d",
                epoch + 1, epochs, bar, batch, batches, loss, 100 * accuracy, rate, eta / 60, eta % 60);
        if (terminal) err.print("\r" + line + "\u001b[K");
        else err.println(line);
        err.flush();
    }

    void done() {
        if (terminal) {
            err.print("\r\u001b[K");
            err.flush();
        }
        lastPercent = -1;
    }
}
