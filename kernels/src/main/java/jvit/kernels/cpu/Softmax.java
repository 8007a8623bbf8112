package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/** Softmax over the last dimension, shifted by the row maximum so that exp never overflows. */
public final class Softmax {
    private Softmax() {}

    /** Softmax of each of {@code rows} rows of {@code dim}; {@code out} may be {@code x}. */
    public static void forward(MemorySegment out, MemorySegment x, int rows, int dim) {
        Parallel.forRange(rows, (from, to) -> {
            float[] row = new float[dim];
            for (int r = from; r < to; r++) {
                long base = (long) r * dim;
                F32.copy(x, base, row, 0, dim);
                inPlace(row, dim);
                F32.copy(row, 0, out, base, dim);
            }
        });
    }

    /** Softmax of {@code row[0..n)} in place. */
    public static void inPlace(float[] row, int n) {
        inPlace(row, 0, n);
    }

    /** Softmax of {@code row[at..at+n)} in place. */
    public static void inPlace(float[] row, int at, int n) {
        int upper = S.loopBound(n);
        // Two running maxima: Java's vector max is a chain of several instructions, and one would be the loop's latency.
        FloatVector max0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), max1 = max0;
        int i = 0;
        for (; i + L < upper; i += 2 * L) {
            max0 = FloatVector.fromArray(S, row, at + i).max(max0);
            max1 = FloatVector.fromArray(S, row, at + i + L).max(max1);
        }
        if (i < upper) max0 = FloatVector.fromArray(S, row, at + i).max(max0);
        i = upper;
        float max = max0.max(max1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) max = Math.max(max, row[at + i]);

        FloatVector vsum = FloatVector.zero(S);
        for (i = 0; i < upper; i += L) {
            FloatVector e = F32.expLanes(FloatVector.fromArray(S, row, at + i).sub(max));
            e.intoArray(row, at + i);
            vsum = e.add(vsum);
        }
        float sum = F32.sumLanes(vsum);
        if (i < n) sum = tail(row, at, i, n, max, sum);

        float inv = 1 / sum;
        for (i = 0; i < upper; i += L) FloatVector.fromArray(S, row, at + i).mul(inv).intoArray(row, at + i);
        for (; i < n; i++) row[at + i] *= inv;
    }

    /**
     * The exps of {@code row[at+i..at+n)} in one masked vector (the same bits as scalar ones), added
     * to {@code sum} after the lanes as before. A method of its own, to leave C2 room to inline the
     * main loops' vector code.
     */
    private static float tail(float[] row, int at, int i, int n, float max, float sum) {
        VectorMask<Float> tail = S.indexInRange(i, n);
        F32.expLanes(FloatVector.fromArray(S, row, at + i, tail).sub(max)).intoArray(row, at + i, tail);
        for (; i < n; i++) sum += row[at + i];
        return sum;
    }
}
