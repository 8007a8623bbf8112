package jvit.vit.chart;

import java.util.Locale;

/**
 * Where an axis puts its labelled ticks: at multiples of a "nice" step (1, 2 or 5 times a power
 * of ten), with the axis widened to the ticks just outside the data.
 *
 * @param low the axis's first value, a multiple of {@code step}
 * @param high the axis's last value, a multiple of {@code step}
 * @param step the distance between ticks
 */
record Ticks(double low, double high, double step) {
    /** About {@code target} intervals covering {@code min .. max}; an empty or single-valued range is widened around it. */
    static Ticks covering(double min, double max, int target) {
        if (!(max > min)) {
            double pad = min == 0 ? 1 : Math.abs(min) * 0.05;
            min -= pad;
            max += pad;
        }
        double step = niceStep((max - min) / target);
        return new Ticks(Math.floor(min / step) * step, Math.ceil(max / step) * step, step);
    }

    /** Whole-number ticks from {@code first} to {@code last} (epochs), at most about {@code target} intervals; a single value gets room either side. */
    static Ticks integers(int first, int last, int target) {
        if (last <= first) return new Ticks(first - 0.5, first + 0.5, 1);
        double step = Math.max(1, niceStep((double) (last - first) / target));
        return new Ticks(first, last, step);
    }

    /** The smallest step of the form 1, 2 or 5 times a power of ten that is at least {@code raw}. */
    static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double normalised = raw / magnitude;
        return (normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 5 ? 5 : 10) * magnitude;
    }

    /** The tick values: multiples of {@code step} from {@code low} to {@code high}. */
    double[] values() {
        double first = Math.ceil(low / step - 1e-9) * step;
        int n = (int) Math.floor((high - first) / step + 1e-9) + 1;
        double[] values = new double[Math.max(n, 0)];
        for (int i = 0; i < values.length; i++) values[i] = first + i * step;
        return values;
    }

    /** A tick's label, with as many decimals as the step needs and no more. */
    String label(double value) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        String s = String.format(Locale.ROOT, "%." + decimals + "f", value);
        return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
    }
}
