package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.LE;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jvit.kernels.Op.Activation;

/**
 * {@link Matmul} for a few rows of A (a classifier head, a batch-1 token), where packing B would
 * cost more than the multiply: each B element is read once from memory and used for every row.
 * Work is split over columns.
 */
final class MatmulSmall {
    /** Columns per task: enough work to pay for a task, few enough to balance. */
    private static final int COLUMNS = 8 * L;

    private MatmulSmall() {}

    static void forward(MemorySegment c, MemorySegment a, MemorySegment b, MemorySegment bias,
                        int batch, int m, int n, int k, boolean transposedA, boolean transposedB, Activation activation) {
        int chunks = (n + COLUMNS - 1) / COLUMNS;
        Parallel.forRange(batch * chunks, (from, to) -> {
            float[] rows = new float[m * k];
            int loaded = -1;
            for (int t = from; t < to; t++) {
                int item = t / chunks, j0 = t % chunks * COLUMNS, j1 = Math.min(n, j0 + COLUMNS);
                if (item != loaded) copyRows(a, (long) item * m * k, m, k, transposedA, rows);
                loaded = item;
                long bBase = (long) item * n * k, cBase = (long) item * m * n;
                if (transposedB) dots(c, cBase, rows, b, bBase, bias, m, n, k, j0, j1, activation);
                else rowCombinations(c, cBase, rows, b, bBase, bias, m, n, k, j0, j1, activation);
            }
        });
    }

    /** A's m rows of k into {@code rows}, from {@code [m, k]} or, transposed, {@code [k, m]} memory. */
    private static void copyRows(MemorySegment a, long base, int m, int k, boolean transposed, float[] rows) {
        if (!transposed) F32.copy(a, base, rows, 0, m * k);
        else for (int p = 0; p < k; p++) for (int i = 0; i < m; i++) rows[i * k + p] = F32.get(a, base + (long) p * m + i);
    }

    /** B is {@code [n, k]}: {@code C[i, j] = A[i]·B[j]}; B's row stays in L1 across A's rows. */
    private static void dots(MemorySegment c, long cBase, float[] a, MemorySegment b, long bBase, MemorySegment bias,
                             int m, int n, int k, int j0, int j1, Activation activation) {
        for (int j = j0; j < j1; j++) {
            long row = bBase + (long) j * k;
            float add = bias == null ? 0 : F32.get(bias, j);
            for (int i = 0; i < m; i++) {
                float v = dot(a, i * k, b, row, k) + add;
                F32.set(c, cBase + (long) i * n + j, Gelu.apply(v, activation));
            }
        }
    }

    private static float dot(float[] x, int xi, MemorySegment y, long yi, int k) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int p = 0;
        for (; p + 2 * L <= k; p += 2 * L) {
            acc0 = FloatVector.fromArray(S, x, xi + p).fma(FloatVector.fromMemorySegment(S, y, 4L * (yi + p), LE), acc0);
            acc1 = FloatVector.fromArray(S, x, xi + p + L).fma(FloatVector.fromMemorySegment(S, y, 4L * (yi + p + L), LE), acc1);
        }
        float sum = F32.sumLanes(acc0.add(acc1));
        for (; p < k; p++) sum += x[xi + p] * F32.get(y, yi + p);
        return sum;
    }

    /**
     * B is {@code [k, n]}: {@code C[i, j..j+4L) = Σ_p A[i, p]·B[p, j..j+4L)}, four vectors at a time
     * so that four FMA chains overlap.
     */
    private static void rowCombinations(MemorySegment c, long cBase, float[] a, MemorySegment b, long bBase,
                                        MemorySegment bias, int m, int n, int k, int j0, int j1, Activation activation) {
        for (int i = 0; i < m; i++) {
            for (int j = j0; j < j1; j += 4 * L) {
                VectorMask<Float> m0 = S.indexInRange(j, j1), m1 = S.indexInRange(j + L, j1),
                        m2 = S.indexInRange(j + 2 * L, j1), m3 = S.indexInRange(j + 3 * L, j1);
                FloatVector acc0 = FloatVector.zero(S), acc1 = acc0, acc2 = acc0, acc3 = acc0;
                for (int p = 0; p < k; p++) {
                    FloatVector ap = FloatVector.broadcast(S, a[i * k + p]);
                    long at = (bBase + (long) p * n + j) * 4;
                    acc0 = FloatVector.fromMemorySegment(S, b, at, LE, m0).fma(ap, acc0);
                    acc1 = FloatVector.fromMemorySegment(S, b, at + 4 * L, LE, m1).fma(ap, acc1);
                    acc2 = FloatVector.fromMemorySegment(S, b, at + 8 * L, LE, m2).fma(ap, acc2);
                    acc3 = FloatVector.fromMemorySegment(S, b, at + 12 * L, LE, m3).fma(ap, acc3);
                }
                long at = cBase + (long) i * n + j;
                finishLanes(acc0, c, at, bias, j, m0, activation);
                finishLanes(acc1, c, at + L, bias, j + L, m1, activation);
                finishLanes(acc2, c, at + 2 * L, bias, j + 2 * L, m2, activation);
                finishLanes(acc3, c, at + 3 * L, bias, j + 3 * L, m3, activation);
            }
        }
    }

    private static void finishLanes(FloatVector x, MemorySegment c, long at, MemorySegment bias, int j, VectorMask<Float> mask,
                               Activation activation) {
        if (bias != null) x.add(FloatVector.fromMemorySegment(S, bias, 4L * j, LE, mask)).intoMemorySegment(c, at * 4, LE, mask);
        else x.intoMemorySegment(c, at * 4, LE, mask);
        if (activation != Activation.NONE) Gelu.apply(c, at, c, at, mask.trueCount(), activation); // in place: see Gelu.apply
    }
}
