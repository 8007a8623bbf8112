package jvit.vit.report;

/**
 * Whether a device's logits and the NumPy peer's agree for the same weights and images: within
 * {@link #TOLERANCE} of the largest logit, float32 rounding over a dozen blocks.
 */
public record LogitCheck(String model, int batch, String device, double maxAbsDifference, double maxAbsLogit) {
    public static final double TOLERANCE = 1e-3;

    public boolean agrees() { return maxAbsDifference <= TOLERANCE * Math.max(1, maxAbsLogit); }
}
