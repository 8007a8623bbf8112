package jvit.vit.data;

/** Counts of (true class, predicted class) pairs: accuracy overall and per class. */
public final class ConfusionMatrix {
    private final long[][] counts;

    public ConfusionMatrix(int classes) {
        if (classes < 1) throw new IllegalArgumentException("classes must be positive, got " + classes);
        counts = new long[classes][classes];
    }

    public int classes() { return counts.length; }

    public void add(int truth, int predicted) { counts[truth][predicted]++; }

    /** Images of class {@code truth} predicted as {@code predicted}. */
    public long get(int truth, int predicted) { return counts[truth][predicted]; }

    /** Images counted. */
    public long count() {
        long n = 0;
        for (int t = 0; t < classes(); t++) n += ofClass(t);
        return n;
    }

    public long correct() {
        long n = 0;
        for (int c = 0; c < classes(); c++) n += counts[c][c];
        return n;
    }

    /** The fraction predicted right; NaN when nothing was counted. */
    public double accuracy() { return (double) correct() / count(); }

    /** Images whose true class is {@code truth}. */
    public long ofClass(int truth) {
        long n = 0;
        for (long c : counts[truth]) n += c;
        return n;
    }

    /** The fraction of class {@code truth} predicted right (its recall); NaN when the class has no images. */
    public double accuracy(int truth) { return (double) counts[truth][truth] / ofClass(truth); }
}
