package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * LayerScale {@code out[r, c] = x[r, c]·gamma[c]} and its gamma gradient, as layer_scale.cl and
 * layer_scale_backward.cl. The forward runs one work-item per element; the backward has
 * {@link TornadoSumRows}' shape (columns by row shares, the shares added in order), so its result
 * does not depend on timing.
 */
public final class TornadoLayerScale {
    private TornadoLayerScale() {}

    public static void forward(KernelContext context, FloatArray out, FloatArray x, FloatArray gamma, int rows, int dim) {
        int i = context.globalIdx;
        if (i < rows * dim) out.set(i, x.get(i) * gamma.get(i % dim));
    }

    /** {@code x[r, c] *= gamma[c]}: out = x, which TornadoVM cannot take as two arguments of one task. */
    public static void forwardInPlace(KernelContext context, FloatArray x, FloatArray gamma, int rows, int dim) {
        int i = context.globalIdx;
        if (i < rows * dim) x.set(i, x.get(i) * gamma.get(i % dim));
    }

    /** {@code dgamma[c] = Σ_r dy[r, c]·x[r, c]}. */
    public static void backward(KernelContext context, FloatArray dgamma, FloatArray dy, FloatArray x, int rows, int dim) {
        float[] shares = context.allocateFloatLocalArray(TornadoSumRows.COLUMNS * TornadoSumRows.SHARES);
        int tx = context.localIdx, ty = context.localIdy;
        int c = context.groupIdx * TornadoSumRows.COLUMNS + tx;
        float sum = 0.0f;
        if (c < dim) {
            for (int r = ty; r < rows; r += TornadoSumRows.SHARES) sum += dy.get(r * dim + c) * x.get(r * dim + c);
        }
        shares[ty * TornadoSumRows.COLUMNS + tx] = sum;
        context.localBarrier();
        if (ty == 0 && c < dim) {
            for (int y = 1; y < TornadoSumRows.SHARES; y++) sum += shares[y * TornadoSumRows.COLUMNS + tx];
            dgamma.set(c, sum);
        }
    }
}
