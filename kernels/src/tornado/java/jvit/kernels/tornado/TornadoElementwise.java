package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** Elementwise operators as TornadoVM tasks; siblings of {@code elementwise.cl} and the Java kernels. */
public final class TornadoElementwise {
    private TornadoElementwise() {}

    /** {@code out[i] = value}. */
    public static void fill(FloatArray out, int n, float value) {
        for (@Parallel int i = 0; i < n; i++) out.set(i, value);
    }

    /** {@code out[i] = a[i] + b[i]}; {@code out} may be {@code a} or {@code b}. */
    public static void add(FloatArray out, FloatArray a, FloatArray b, int n) {
        for (@Parallel int i = 0; i < n; i++) out.set(i, a.get(i) + b.get(i));
    }
}
