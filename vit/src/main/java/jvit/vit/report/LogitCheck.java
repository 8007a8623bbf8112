package jvit.vit.report;

/**
 * Whether a device's logits and a peer's agree for the same weights and images: within
 * {@link #TOLERANCE} of the largest logit, float32 rounding over a dozen blocks.
 *
 * @param peer the peer's id ({@link ForwardPeer#id()})
 */
public record LogitCheck(String model, int batch, String device, String peer, double maxAbsDifference, double maxAbsLogit) {
    public static final double TOLERANCE = 1e-3;

    /** False where the logits differ in count (the difference is NaN then). */
    public boolean agrees() { return maxAbsDifference <= TOLERANCE * Math.max(1, maxAbsLogit); }
}
