package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** {@code out = a + b} (residual connections), as add.cl: one work-item per element; out may be a or b. */
public final class TornadoAdd {
    private TornadoAdd() {}

    public static void forward(KernelContext context, FloatArray out, FloatArray a, FloatArray b, int n) {
        int i = context.globalIdx;
        if (i < n) out.set(i, a.get(i) + b.get(i));
    }
}
