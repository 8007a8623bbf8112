package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Layer normalisation and its backward pass, as layernorm.cl and layernorm_backward.cl. A row's
 * statistics are computed as layernorm.h does (forward and backward agree): the row shifted by its
 * first value, then the corrected two-pass algorithm (deviations from a first mean whose sum
 * corrects it), and (x - shift) - mean normalised, so a large common offset costs no digits. One work-group per row, a power of two work-items up to {@link #GROUP}, its
 * sums reductions through local memory written out in each kernel rather than in a helper: PoCL
 * once miscompiled barriers in a helper handed a local array (reduce.h).
 */
public final class TornadoLayerNorm {
    /** Work-items of a row's work-group, at most (the local arrays' size). */
    static final int GROUP = 256;

    private TornadoLayerNorm() {}

    /** {@code out = (x - mean) · rstd · gamma + beta} per row; one work-group per row. */
    public static void forward(KernelContext context, FloatArray out, FloatArray x, FloatArray gamma, FloatArray beta, int dim,
                               float eps) {
        float[] sums = context.allocateFloatLocalArray(GROUP);
        float[] squares = context.allocateFloatLocalArray(GROUP);
        int t = context.localIdx, size = context.localGroupSizeX, base = context.groupIdx * dim;

        float shift = x.get(base), sum = 0.0f;
        for (int i = t; i < dim; i += size) sum += x.get(base + i) - shift;
        sums[t] = sum;
        context.localBarrier();
        for (int active = size / 2; active > 0; active /= 2) {
            if (t < active) sums[t] += sums[t + active];
            context.localBarrier();
        }
        float mean = sums[0] / dim;
        context.localBarrier();

        float deviations = 0.0f, squareSum = 0.0f;
        for (int i = t; i < dim; i += size) {
            float d = (x.get(base + i) - shift) - mean;
            deviations += d;
            squareSum += d * d;
        }
        sums[t] = deviations;
        squares[t] = squareSum;
        context.localBarrier();
        for (int active = size / 2; active > 0; active /= 2) {
            if (t < active) {
                sums[t] += sums[t + active];
                squares[t] += squares[t + active];
            }
            context.localBarrier();
        }
        float residual = sums[0];
        mean += residual / dim;
        float rstd = 1.0f / TornadoMath.sqrt(TornadoMath.max(0.0f, (squares[0] - residual * residual / dim) / dim) + eps);

        for (int i = t; i < dim; i += size) out.set(base + i, ((x.get(base + i) - shift) - mean) * rstd * gamma.get(i) + beta.get(i));
    }

    /**
     * The backward pass's first task, one work-group per row: dx, from the row's statistics (recomputed)
     * and {@code g = dy·gamma}, {@code dx = rstd·(g - mean(g) - xhat·mean(g·xhat))}; the row's shift,
     * mean and rstd go to {@code stats[3·row ..]} for {@link #backwardColumns}.
     */
    public static void backwardRows(KernelContext context, FloatArray dx, FloatArray stats, FloatArray dy, FloatArray x,
                                    FloatArray gamma, int dim, float eps) {
        float[] sums = context.allocateFloatLocalArray(GROUP);
        float[] squares = context.allocateFloatLocalArray(GROUP);
        int t = context.localIdx, size = context.localGroupSizeX, row = context.groupIdx, base = row * dim;

        float shift = x.get(base), sum = 0.0f;
        for (int i = t; i < dim; i += size) sum += x.get(base + i) - shift;
        sums[t] = sum;
        context.localBarrier();
        for (int active = size / 2; active > 0; active /= 2) {
            if (t < active) sums[t] += sums[t + active];
            context.localBarrier();
        }
        float mean = sums[0] / dim;
        context.localBarrier();

        float deviations = 0.0f, squareSum = 0.0f;
        for (int i = t; i < dim; i += size) {
            float d = (x.get(base + i) - shift) - mean;
            deviations += d;
            squareSum += d * d;
        }
        sums[t] = deviations;
        squares[t] = squareSum;
        context.localBarrier();
        for (int active = size / 2; active > 0; active /= 2) {
            if (t < active) {
                sums[t] += sums[t + active];
                squares[t] += squares[t + active];
            }
            context.localBarrier();
        }
        float residual = sums[0];
        mean += residual / dim;
        float rstd = 1.0f / TornadoMath.sqrt(TornadoMath.max(0.0f, (squares[0] - residual * residual / dim) / dim) + eps);
        context.localBarrier();

        float gSum = 0.0f, gxSum = 0.0f;
        for (int i = t; i < dim; i += size) {
            float xhat = ((x.get(base + i) - shift) - mean) * rstd, g = dy.get(base + i) * gamma.get(i);
            gSum += g;
            gxSum += g * xhat;
        }
        sums[t] = gSum;
        squares[t] = gxSum;
        context.localBarrier();
        for (int active = size / 2; active > 0; active /= 2) {
            if (t < active) {
                sums[t] += sums[t + active];
                squares[t] += squares[t + active];
            }
            context.localBarrier();
        }
        float meanG = sums[0] / dim, meanGx = squares[0] / dim;
        for (int i = t; i < dim; i += size) {
            float xhat = ((x.get(base + i) - shift) - mean) * rstd;
            dx.set(base + i, rstd * (dy.get(base + i) * gamma.get(i) - meanG - xhat * meanGx));
        }
        if (t == 0) {
            stats.set(3 * row, shift);
            stats.set(3 * row + 1, mean);
            stats.set(3 * row + 2, rstd);
        }
    }

    /**
     * The backward pass's second task: {@code dgamma[c] = Σ_r dy·xhat}, {@code dbeta[c] = Σ_r dy}, as
     * {@link TornadoSumRows} adds columns (a work-group of 32 columns by 8 row shares, the shares added
     * in order: the result does not depend on timing), xhat from the first task's statistics.
     */
    public static void backwardColumns(KernelContext context, FloatArray dgamma, FloatArray dbeta, FloatArray stats, FloatArray dy,
                                       FloatArray x, int rows, int dim) {
        float[] gammaShares = context.allocateFloatLocalArray(TornadoSumRows.COLUMNS * TornadoSumRows.SHARES);
        float[] betaShares = context.allocateFloatLocalArray(TornadoSumRows.COLUMNS * TornadoSumRows.SHARES);
        int tx = context.localIdx, ty = context.localIdy;
        int c = context.groupIdx * TornadoSumRows.COLUMNS + tx;
        float dg = 0.0f, db = 0.0f;
        if (c < dim) {
            for (int r = ty; r < rows; r += TornadoSumRows.SHARES) {
                float d = dy.get(r * dim + c);
                dg += d * ((x.get(r * dim + c) - stats.get(3 * r)) - stats.get(3 * r + 1)) * stats.get(3 * r + 2);
                db += d;
            }
        }
        gammaShares[ty * TornadoSumRows.COLUMNS + tx] = dg;
        betaShares[ty * TornadoSumRows.COLUMNS + tx] = db;
        context.localBarrier();
        if (ty == 0 && c < dim) {
            for (int y = 1; y < TornadoSumRows.SHARES; y++) {
                dg += gammaShares[y * TornadoSumRows.COLUMNS + tx];
                db += betaShares[y * TornadoSumRows.COLUMNS + tx];
            }
            dgamma.set(c, dg);
            dbeta.set(c, db);
        }
    }
}
