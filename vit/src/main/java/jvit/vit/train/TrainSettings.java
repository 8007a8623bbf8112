package jvit.vit.train;

/**
 * How a model is trained. The learning rate rises linearly from 0 over {@code warmupSteps}, then
 * follows a cosine down to {@code minLr} at the last step.
 *
 * @param epochs passes over the training set
 * @param batch images per step (a last partial batch of an epoch is dropped)
 * @param lr peak learning rate
 * @param minLr learning rate at the end of the cosine
 * @param warmupSteps steps of linear warm-up
 * @param weightDecay AdamW's decoupled weight decay, on weight matrices only
 * @param beta1 AdamW's first-moment decay
 * @param beta2 AdamW's second-moment decay
 * @param eps AdamW's epsilon
 * @param clipNorm largest global gradient norm (0: no clipping)
 * @param labelSmoothing label smoothing of the cross-entropy
 * @param cropPadding zero padding of the random crop (0: no crop)
 * @param flip random horizontal flips
 * @param validation images held out of the training set for validation
 * @param seed seeds the initial weights, the data order and the augmentation
 * @param checkpointEvery steps between checkpoints (and one at the end of every epoch)
 */
public record TrainSettings(int epochs, int batch, double lr, double minLr, int warmupSteps, double weightDecay,
                            double beta1, double beta2, double eps, double clipNorm, double labelSmoothing,
                            int cropPadding, boolean flip, int validation, long seed, int checkpointEvery) {
    public TrainSettings {
        if (epochs < 1 || batch < 1) throw new IllegalArgumentException("epochs and batch must be positive");
        if (!(lr > 0) || minLr < 0 || minLr > lr) throw new IllegalArgumentException("need 0 <= min lr <= lr, lr > 0");
        if (warmupSteps < 0 || validation < 0 || cropPadding < 0 || checkpointEvery < 1)
            throw new IllegalArgumentException("warm-up, validation, crop padding must be >= 0 and checkpoint interval >= 1");
    }

    /** The learning rate of step {@code step} (0-based) of {@code totalSteps}. */
    public double learningRate(long step, long totalSteps) {
        if (step < warmupSteps) return lr * (step + 1) / warmupSteps;
        long decaySteps = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1, (double) (step - warmupSteps) / decaySteps);
        return minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
