package jvit.runtime.schedule;

/** Work split over devices in proportion to their speed: layers of a pipeline, images of a data-parallel batch. */
public final class Shares {
    private Shares() {}

    /** {@code total} split in proportion to {@code speeds}, at least one each, the rest rounded by largest remainders. */
    public static int[] inProportion(int total, double[] speeds) {
        int n = speeds.length;
        if (total < n) throw new IllegalArgumentException(total + " cannot be split over " + n + " devices");
        double sum = 0;
        for (double s : speeds) sum += s;
        int[] shares = new int[n];
        double[] remainder = new double[n];
        int given = 0;
        for (int i = 0; i < n; i++) {
            double exact = 1 + (total - n) * speeds[i] / sum;
            shares[i] = (int) Math.floor(exact);
            remainder[i] = exact - shares[i];
            given += shares[i];
        }
        while (given < total) {
            int best = 0;
            for (int i = 1; i < n; i++) if (remainder[i] > remainder[best]) best = i;
            shares[best]++;
            remainder[best] = -1;
            given++;
        }
        return shares;
    }
}
