package jvit.vit.report;

import java.util.Locale;

/** Numbers as the report prints them: three significant digits, in the unit that keeps them short. */
final class Figures {
    private Figures() {}

    /** {@code 0.262 ms}, {@code 45.7 ms}, {@code 1.23 s}. */
    static String time(double seconds) {
        return seconds >= 1 ? significant(seconds) + " s" : significant(seconds * 1e3) + " ms";
    }

    /** Three significant digits, without an exponent: {@code 0.00123}, {@code 1.23}, {@code 123}, {@code 12300}. */
    static String significant(double x) {
        if (x == 0 || !Double.isFinite(x)) return String.format(Locale.ROOT, "%.0f", x);
        int decimals = Math.max(0, 2 - (int) Math.floor(Math.log10(Math.abs(x))));
        return String.format(Locale.ROOT, "%." + decimals + "f", x);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }

    /** {@code 1.80×}. */
    static String ratio(double x) {
        return String.format(Locale.ROOT, "%.2f×", x);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }
}
