package jvit.vit.train;

import java.util.SplittableRandom;
import jvit.runtime.Tensor;
import jvit.vit.model.ViTWeights;

/**
 * A fresh ViT's weights as timm initialises them: truncated normal (σ = 0.02, cut at 2σ) for the
 * linear layers, the head, the class token and the position embedding; PyTorch's default
 * U(±1/√fan_in) for the patch convolution; zero biases; LayerNorm scales of one; LayerScale's
 * gammas at {@code init_values}.
 */
public final class Initialization {
    private Initialization() {}

    public static void apply(ViTWeights w, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Tensor t : w.all()) {
            String name = t.name();
            long n = t.elements();
            boolean norm = name.startsWith("norm") || name.startsWith("fc_norm") || name.contains(".norm") || name.contains("_norm."); // norm_pre, q_norm, k_norm too
            for (long i = 0; i < n; i++) {
                float v;
                if (norm) v = name.endsWith(".weight") ? 1 : 0;
                else if (name.endsWith(".gamma")) v = (float) w.config().layerScale();
                else if (name.endsWith(".bias")) v = 0;
                else if (name.equals("patch_embed.proj.weight")) v = (float) ((random.nextDouble() * 2 - 1) / Math.sqrt(n / t.shape()[0]));
                else v = (float) (0.02 * truncatedNormal(random));
                t.host().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, v);
            }
        }
    }

    /** A standard normal cut at ±2, by rejection. */
    private static double truncatedNormal(SplittableRandom random) {
        while (true) {
            // Box–Muller; one of the pair is enough.
            double u = 1 - random.nextDouble(), v = random.nextDouble();
            double z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
            if (Math.abs(z) <= 2) return z;
        }
    }
}
