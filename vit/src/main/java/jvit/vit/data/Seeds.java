package jvit.vit.data;

/**
 * Seeds for each use of randomness in training, derived from the run's seed and where they are
 * used, so that any batch can be replayed alone: a resumed run draws exactly what the first drew.
 */
final class Seeds {
    /** What a seed is for; streams for different purposes never coincide. */
    static final long VALIDATION_SPLIT = 1, EPOCH_ORDER = 2, AUGMENTATION = 3;

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Seeds() {}

    /**
     * A seed for {@code seed} and the given parts (a purpose, an epoch, a batch), each folded in
     * through SplitMix64's finaliser. Mixing matters: {@code SplittableRandom(s)} and
     * {@code SplittableRandom(s + GOLDEN_GAMMA)} give the same stream one step apart, so adding
     * the parts to the seed would make neighbouring epochs share most of their numbers.
     */
    static long derive(long seed, long... parts) {
        long h = mix64(seed);
        for (long part : parts) h = mix64(h ^ mix64(part + GOLDEN_GAMMA));
        return h;
    }

    /** SplitMix64's output function (Steele, Lea, Flood 2014), as {@code SplittableRandom} uses it. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
