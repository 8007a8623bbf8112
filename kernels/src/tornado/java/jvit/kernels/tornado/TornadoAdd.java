package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * {@code out = a + b} (residual connections), as add.cl: one work-item per element. out may be a or b
 * (and a may be b), but TornadoVM's graph compiler loops forever on a task that is handed one array
 * twice, so each way the arguments can coincide has a kernel of its own ({@link TornadoKernels} picks it).
 */
public final class TornadoAdd {
    private TornadoAdd() {}

    public static void forward(KernelContext context, FloatArray out, FloatArray a, FloatArray b, int n) {
        int i = context.globalIdx;
        if (i < n) out.set(i, a.get(i) + b.get(i));
    }

    /** {@code sum += other}: out = a + b where out is one of them. */
    public static void accumulate(KernelContext context, FloatArray sum, FloatArray other, int n) {
        int i = context.globalIdx;
        if (i < n) sum.set(i, sum.get(i) + other.get(i));
    }

    /** {@code out = x + x}: a and b the same array. */
    public static void doubled(KernelContext context, FloatArray out, FloatArray x, int n) {
        int i = context.globalIdx;
        if (i < n) out.set(i, x.get(i) + x.get(i));
    }

    /** {@code x = x + x}: all three the same array. */
    public static void doubledInPlace(KernelContext context, FloatArray x, int n) {
        int i = context.globalIdx;
        if (i < n) x.set(i, x.get(i) + x.get(i));
    }
}
