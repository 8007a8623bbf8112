package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.LE;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Layer normalisation over the last dimension, with a learned scale and shift. */
public final class LayerNorm {
    private LayerNorm() {}

    /**
     * {@code out[r] = (x[r] - mean) / sqrt(var + eps) * gamma + beta} for each of {@code rows} rows
     * of {@code dim}. The row is shifted by its first value (exact for values near it), and the
     * shifted values' mean and variance follow by the corrected two-pass algorithm (Chan, Golub &
     * LeVeque): deviations from a first estimate of the mean, whose sum corrects that estimate.
     * The output is {@code ((x - shift) - mean')·rstd}: a large common offset never meets the small
     * deviations in one rounding (a float mean of 300 is off by up to 1.5e-5, which is 1e-3 of a
     * deviation of 0.015). {@code E[x²] - E[x]²} would cancel badly for the same reason.
     */
    public static void forward(MemorySegment out, MemorySegment x, MemorySegment gamma, MemorySegment beta,
                               int rows, int dim, float eps) {
        // gamma and beta on the heap: read where they lie (a mapped model file), they gave the row loop a
        // second kind of segment to read, and it ran 40% slower (ViT-S/16's 1576 × 384).
        float[] scale = new float[dim], offset = new float[dim];
        F32.copy(gamma, 0, scale, 0, dim);
        F32.copy(beta, 0, offset, 0, dim);
        Parallel.forRange(rows, (from, to) -> {
            float[] moments = new float[3];
            for (int r = from; r < to; r++) row(out, x, scale, offset, (long) r * dim, dim, eps, moments);
        });
    }

    private static void row(MemorySegment out, MemorySegment x, float[] gamma, float[] beta, long base, int dim, float eps, float[] moments) {
        moments(x, base, dim, eps, moments);
        float shift = moments[0], mean = moments[1], inv = moments[2];
        int upper = S.loopBound(dim), i;
        for (i = 0; i < upper; i += L) {
            FloatVector y = FloatVector.fromMemorySegment(S, x, 4L * (base + i), LE).sub(shift).sub(mean).mul(inv);
            y.fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i)).intoMemorySegment(out, 4L * (base + i), LE);
        }
        for (; i < dim; i++) F32.set(out, base + i, ((F32.get(x, base + i) - shift) - mean) * inv * gamma[i] + beta[i]);
    }

    /**
     * Gradients of {@link #forward}: with {@code x̂ = ((x - shift) - mean)·rstd} (recomputed) and
     * {@code g = dy·gamma}, {@code dx = rstd·(g - mean(g) - x̂·mean(g·x̂))}, {@code dgamma = Σ_rows dy·x̂},
     * {@code dbeta = Σ_rows dy}. Rows are split into bands over the cores, each band summing its
     * own dgamma/dbeta, added at the end in a fixed order (the result does not depend on timing).
     */
    public static void backward(MemorySegment dx, MemorySegment dgamma, MemorySegment dbeta, MemorySegment dy,
                                MemorySegment x, MemorySegment gamma, int rows, int dim, float eps) {
        int bands = Math.min(rows, 2 * Parallel.THREADS);
        float[][] partial = new float[bands][2 * dim];
        Parallel.forRange(bands, 1, (from, to) -> {
            float[] xhat = new float[dim], gammas = new float[dim], moments = new float[3];
            F32.copy(gamma, 0, gammas, 0, dim);
            for (int band = from; band < to; band++)
                for (int r = (int) ((long) rows * band / bands), end = (int) ((long) rows * (band + 1) / bands); r < end; r++)
                    rowBackward(dx, dy, x, gammas, (long) r * dim, dim, eps, xhat, moments, partial[band]);
        });
        for (int i = 0; i < dim; i++) {
            float dg = 0, db = 0;
            for (float[] sums : partial) {
                dg += sums[i];
                db += sums[dim + i];
            }
            F32.set(dgamma, i, dg);
            F32.set(dbeta, i, db);
        }
    }

    private static void rowBackward(MemorySegment dx, MemorySegment dy, MemorySegment x, float[] gamma, long base, int dim,
                                    float eps, float[] xhat, float[] moments, float[] sums) {
        moments(x, base, dim, eps, moments);
        float shift = moments[0], mean = moments[1], rstd = moments[2];
        int upper = S.loopBound(dim), i;

        // x̂, the sums over the row, and this band's dgamma/dbeta.
        FloatVector gSum = FloatVector.zero(S), gxSum = FloatVector.zero(S);
        for (i = 0; i < upper; i += L) {
            FloatVector xh = FloatVector.fromMemorySegment(S, x, 4L * (base + i), LE).sub(shift).sub(mean).mul(rstd), d = FloatVector.fromMemorySegment(S, dy, 4L * (base + i), LE);
            xh.intoArray(xhat, i);
            FloatVector g = d.mul(FloatVector.fromArray(S, gamma, i));
            gSum = g.add(gSum);
            gxSum = g.fma(xh, gxSum);
            d.fma(xh, FloatVector.fromArray(S, sums, i)).intoArray(sums, i);
            d.add(FloatVector.fromArray(S, sums, dim + i)).intoArray(sums, dim + i);
        }
        float meanG = F32.sumLanes(gSum), meanGx = F32.sumLanes(gxSum);
        for (; i < dim; i++) {
            xhat[i] = ((F32.get(x, base + i) - shift) - mean) * rstd;
            float d = F32.get(dy, base + i), g = d * gamma[i];
            meanG += g;
            meanGx += g * xhat[i];
            sums[i] += d * xhat[i];
            sums[dim + i] += d;
        }
        meanG /= dim;
        meanGx /= dim;

        for (i = 0; i < upper; i += L) {
            FloatVector g = FloatVector.fromMemorySegment(S, dy, 4L * (base + i), LE).mul(FloatVector.fromArray(S, gamma, i));
            g.sub(meanG).sub(FloatVector.fromArray(S, xhat, i).mul(meanGx)).mul(rstd).intoMemorySegment(dx, 4L * (base + i), LE);
        }
        for (; i < dim; i++) F32.set(dx, base + i, rstd * (F32.get(dy, base + i) * gamma[i] - meanG - xhat[i] * meanGx));
    }

    /**
     * The row's shift (its first value), the mean of the shifted values and 1/√(variance + eps),
     * into {@code moments[0..2]}, as forward and backward both need them.
     */
    private static void moments(MemorySegment x, long base, int dim, float eps, float[] moments) {
        // Two accumulators in each pass: one would make the loop a chain of dependent adds.
        int upper = S.loopBound(dim), i;
        float shift = F32.get(x, base);
        FloatVector acc0 = FloatVector.zero(S), acc1 = acc0;
        for (i = 0; i + L < upper; i += 2 * L) {
            acc0 = FloatVector.fromMemorySegment(S, x, 4L * (base + i), LE).sub(shift).add(acc0);
            acc1 = FloatVector.fromMemorySegment(S, x, 4L * (base + i + L), LE).sub(shift).add(acc1);
        }
        if (i < upper) acc0 = FloatVector.fromMemorySegment(S, x, 4L * (base + i), LE).sub(shift).add(acc0);
        float sum = F32.sumLanes(acc0.add(acc1));
        for (i = upper; i < dim; i++) sum += F32.get(x, base + i) - shift;
        float mean = sum / dim;
        FloatVector squares0 = FloatVector.zero(S), squares1 = squares0, deviations0 = squares0, deviations1 = squares0;
        for (i = 0; i + L < upper; i += 2 * L) {
            FloatVector d0 = FloatVector.fromMemorySegment(S, x, 4L * (base + i), LE).sub(shift).sub(mean);
            FloatVector d1 = FloatVector.fromMemorySegment(S, x, 4L * (base + i + L), LE).sub(shift).sub(mean);
            deviations0 = d0.add(deviations0);
            deviations1 = d1.add(deviations1);
            squares0 = d0.fma(d0, squares0);
            squares1 = d1.fma(d1, squares1);
        }
        if (i < upper) {
            FloatVector d = FloatVector.fromMemorySegment(S, x, 4L * (base + i), LE).sub(shift).sub(mean);
            deviations0 = d.add(deviations0);
            squares0 = d.fma(d, squares0);
        }
        float sq = F32.sumLanes(squares0.add(squares1)), residual = F32.sumLanes(deviations0.add(deviations1));
        for (i = upper; i < dim; i++) {
            float d = (F32.get(x, base + i) - shift) - mean;
            residual += d;
            sq += d * d;
        }
        moments[0] = shift;
        moments[1] = mean + residual / dim;
        moments[2] = (float) (1 / Math.sqrt(Math.max(0, (sq - residual * residual / dim) / dim) + eps));
    }
}
