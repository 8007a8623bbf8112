package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Fill and the gradients' squared global norm, as {@code jvit.kernels.cpu.Norms} and fill.cl,
 * square_sums.cl, accumulate_sum.cl. The norm must not depend on timing (no float atomics): partial
 * sums over equal parts of x, a work-group each, then one work-item adds them to acc in order.
 */
public final class TornadoNorms {
    /** Work-items of a square_sums work-group (its local array's size). */
    static final int GROUP = 256;

    private TornadoNorms() {}

    /** {@code out[i] = value}: one work-item per element. */
    public static void fill(KernelContext context, FloatArray out, float value, int n) {
        int i = context.globalIdx;
        if (i < n) out.set(i, value);
    }

    /** {@code partial[p] = Σ x[i]²} over part p of x (parts equal ranges in order), a work-group of {@link #GROUP} per part. */
    public static void squareSums(KernelContext context, FloatArray partial, FloatArray x, int n, int parts) {
        float[] scratch = context.allocateFloatLocalArray(GROUP);
        int t = context.localIdx, part = context.groupIdx;
        int begin = (int) ((long) n * part / parts), end = (int) ((long) n * (part + 1) / parts);
        float sum = 0.0f;
        for (int i = begin + t; i < end; i += GROUP) {
            float v = x.get(i);
            sum += v * v;
        }
        scratch[t] = sum;
        context.localBarrier();
        for (int active = GROUP / 2; active > 0; active /= 2) {
            if (t < active) scratch[t] += scratch[t + active];
            context.localBarrier();
        }
        if (t == 0) partial.set(part, scratch[0]);
    }

    /** {@code acc[0] += Σ partial[0 .. parts)}, by one work-item, in order. */
    public static void accumulateSum(KernelContext context, FloatArray acc, FloatArray partial, int parts) {
        if (context.globalIdx == 0) {
            float sum = 0.0f;
            for (int p = 0; p < parts; p++) sum += partial.get(p);
            acc.set(0, acc.get(0) + sum);
        }
    }
}
