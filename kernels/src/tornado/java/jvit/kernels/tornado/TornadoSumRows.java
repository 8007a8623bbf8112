package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Column sums {@code out[c] = Σ_r in[r, c]} (a bias's gradient), as sum_rows.cl: a work-group of
 * {@link #COLUMNS} columns by {@link #SHARES} row shares; each work-item adds its column's rows y,
 * y + SHARES, ... (neighbouring work-items read neighbouring addresses), then the first row of
 * work-items adds the shares in order: the result does not depend on timing.
 */
public final class TornadoSumRows {
    static final int COLUMNS = 32, SHARES = 8;

    private TornadoSumRows() {}

    public static void forward(KernelContext context, FloatArray out, FloatArray in, int rows, int cols) {
        float[] shares = context.allocateFloatLocalArray(COLUMNS * SHARES);
        int tx = context.localIdx, ty = context.localIdy;
        int c = context.groupIdx * COLUMNS + tx;
        float sum = 0.0f;
        if (c < cols) {
            for (int r = ty; r < rows; r += SHARES) sum += in.get(r * cols + c);
        }
        shares[ty * COLUMNS + tx] = sum;
        context.localBarrier();
        if (ty == 0 && c < cols) {
            for (int y = 1; y < SHARES; y++) sum += shares[y * COLUMNS + tx];
            out.set(c, sum);
        }
    }
}
