package jvit.vit.data;

import java.util.SplittableRandom;

/** Random orders of dataset indices. */
final class Shuffle {
    private Shuffle() {}

    /** {@code 0 .. n-1} in a random order (Fisher–Yates), the same for the same random stream. */
    static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
