package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * One AdamW step in place, as {@code jvit.kernels.cpu.AdamW} and adamw.cl (PyTorch's AdamW after
 * clip_grad_norm_): norm2[0] is the squared global gradient norm, schedule holds
 * {@code [lr, 1 - beta1^t, 1 - beta2^t]}; maxNorm 0 means no clipping. One work-item per element.
 */
public final class TornadoAdamW {
    private TornadoAdamW() {}

    public static void forward(KernelContext context, FloatArray param, FloatArray m, FloatArray v, FloatArray grad, FloatArray norm2,
                               FloatArray schedule, float beta1, float beta2, float eps, float weightDecay, float maxNorm, int n) {
        int i = context.globalIdx;
        if (i < n) {
            float lr = schedule.get(0);
            float clip = maxNorm > 0.0f ? TornadoMath.min(1.0f, maxNorm / (TornadoMath.sqrt(norm2.get(0)) + 1e-6f)) : 1.0f;
            float g = grad.get(i) * clip;
            float mi = beta1 * m.get(i) + (1.0f - beta1) * g, vi = beta2 * v.get(i) + (1.0f - beta2) * g * g;
            param.set(i, param.get(i) * (1.0f - lr * weightDecay)
                    - lr / schedule.get(1) * mi / (TornadoMath.sqrt(vi) / TornadoMath.sqrt(schedule.get(2)) + eps));
            m.set(i, mi);
            v.set(i, vi);
        }
    }
}
