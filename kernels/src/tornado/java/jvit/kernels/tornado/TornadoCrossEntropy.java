package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Softmax cross-entropy with label smoothing and its gradient for the mean loss, as cross_entropy.cl:
 * {@code losses[r] = -Σ_c target_c·log p_c}, {@code dlogits[r] = (p - target) / rows}, target =
 * (1 - smoothing)·onehot(label) + smoothing / classes. One work-item per row (a batch of them, few
 * classes). A label that is not a class index makes its row NaN (a kernel cannot refuse it).
 */
public final class TornadoCrossEntropy {
    /** The start of a running maximum: no -inf under TornadoVM's -cl-fast-relaxed-math (see {@link TornadoAttention#LOWEST}). */
    private static final float LOWEST = TornadoAttention.LOWEST;
    private TornadoCrossEntropy() {}

    public static void forward(KernelContext context, FloatArray losses, FloatArray dlogits, FloatArray logits, FloatArray labels,
                               int rows, int classes, float smoothing) {
        int r = context.globalIdx;
        if (r < rows) {
            int base = r * classes;
            float labelValue = labels.get(r);
            int label = (int) labelValue;
            // NaN made at run time: TornadoVM 5.2 writes the constant Float.NaN as "NaNF", which OpenCL C does not know.
            float invalid = label >= 0 && label < classes && (float) label == labelValue ? 0.0f
                    : TornadoMath.sqrt(-1.0f - TornadoMath.abs(labelValue));
            float rowMax = LOWEST;
            for (int c = 0; c < classes; c++) rowMax = TornadoMath.max(rowMax, logits.get(base + c));
            float sum = 0.0f;
            for (int c = 0; c < classes; c++) sum += TornadoMath.exp(logits.get(base + c) - rowMax);
            float logSum = TornadoMath.log(sum) + rowMax, loss = 0.0f, spread = smoothing / classes;
            for (int c = 0; c < classes; c++) {
                float logP = logits.get(base + c) - logSum;
                float target = (c == label ? 1.0f - smoothing : 0.0f) + spread;
                loss -= target * logP;
                dlogits.set(base + c, (TornadoMath.exp(logP) - target) / rows + invalid);
            }
            losses.set(r, loss + invalid);
        }
    }
}
