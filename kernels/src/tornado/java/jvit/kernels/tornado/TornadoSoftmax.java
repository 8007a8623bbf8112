package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Softmax over each row, as softmax.cl: one work-group per row (a power of two work-items up to
 * {@link TornadoLayerNorm#GROUP}), shifted by the row maximum so exp never overflows; the maximum and
 * the sum are work-group reductions through local memory. In place (out = x) is {@link #forwardInPlace}:
 * TornadoVM's graph compiler loops forever on a task handed one array twice.
 */
public final class TornadoSoftmax {
    /** The start of a running maximum: no -inf under TornadoVM's -cl-fast-relaxed-math (see {@link TornadoAttention#LOWEST}). */
    private static final float LOWEST = TornadoAttention.LOWEST;
    private TornadoSoftmax() {}

    public static void forward(KernelContext context, FloatArray out, FloatArray x, int dim) {
        rows(context, out, x, dim);
    }

    /** {@code x = softmax(x)} per row. */
    public static void forwardInPlace(KernelContext context, FloatArray x, int dim) {
        rows(context, x, x, dim);
    }

    /** Inlined into each kernel by TornadoVM. out may be x: every work-item has read its x before the first reduction's barriers. */
    private static void rows(KernelContext context, FloatArray out, FloatArray x, int dim) {
        float[] scratch = context.allocateFloatLocalArray(TornadoLayerNorm.GROUP);
        int t = context.localIdx, size = context.localGroupSizeX, base = context.groupIdx * dim;

        float rowMax = LOWEST;
        for (int i = t; i < dim; i += size) rowMax = TornadoMath.max(rowMax, x.get(base + i));
        scratch[t] = rowMax;
        context.localBarrier();
        for (int active = size / 2; active > 0; active /= 2) {
            if (t < active) scratch[t] = TornadoMath.max(scratch[t], scratch[t + active]);
            context.localBarrier();
        }
        rowMax = scratch[0];
        context.localBarrier();

        float sum = 0.0f;
        for (int i = t; i < dim; i += size) {
            float e = TornadoMath.exp(x.get(base + i) - rowMax);
            out.set(base + i, e);
            sum += e;
        }
        scratch[t] = sum;
        context.localBarrier();
        for (int active = size / 2; active > 0; active /= 2) {
            if (t < active) scratch[t] += scratch[t + active];
            context.localBarrier();
        }
        float inv = 1.0f / scratch[0];
        for (int i = t; i < dim; i += size) out.set(base + i, out.get(base + i) * inv);
    }
}
