package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.LE;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The register-blocked core of {@link Matmul}: an {@value #MR}×{@code NR} tile of C, summed over
 * {@code kc} steps of broadcast(A)·panel(B) FMAs in registers.
 */
final class MatmulKernel {
    /** Rows of A per tile. */
    static final int MR = 8;
    /** Columns per tile and per packed B panel: two vectors. */
    static final int NR = 2 * L;

    private MatmulKernel() {}

    /**
     * {@code tile[i][j] = Σ_p A[row + i·stride + p]·packedB[panel + p·NR + j]} for {@code p < kc}.
     * A is read in place from its segment; rows at or past {@code rows} repeat the last valid row
     * (in bounds, and their results are not stored).
     */
    static void multiply(MemorySegment a, long row, long stride, int rows, float[] packedB, int panel, int kc, float[] tile) {
        long a0 = row * 4;
        long a1 = a0 + (rows > 1 ? stride * 4 : 0);
        long a2 = a1 + (rows > 2 ? stride * 4 : 0);
        long a3 = a2 + (rows > 3 ? stride * 4 : 0);
        long a4 = a3 + (rows > 4 ? stride * 4 : 0);
        long a5 = a4 + (rows > 5 ? stride * 4 : 0);
        long a6 = a5 + (rows > 6 ? stride * 4 : 0);
        long a7 = a6 + (rows > 7 ? stride * 4 : 0);
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0, b = panel; p < kc; p++, b += NR) {
            long q = 4L * p;
            FloatVector b0 = FloatVector.fromArray(S, packedB, b);
            FloatVector b1 = FloatVector.fromArray(S, packedB, b + 1 * L);
            FloatVector a0p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a0 + q));
            c00 = b0.fma(a0p, c00); c01 = b1.fma(a0p, c01);
            FloatVector a1p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a1 + q));
            c10 = b0.fma(a1p, c10); c11 = b1.fma(a1p, c11);
            FloatVector a2p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a2 + q));
            c20 = b0.fma(a2p, c20); c21 = b1.fma(a2p, c21);
            FloatVector a3p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a3 + q));
            c30 = b0.fma(a3p, c30); c31 = b1.fma(a3p, c31);
            FloatVector a4p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a4 + q));
            c40 = b0.fma(a4p, c40); c41 = b1.fma(a4p, c41);
            FloatVector a5p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a5 + q));
            c50 = b0.fma(a5p, c50); c51 = b1.fma(a5p, c51);
            FloatVector a6p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a6 + q));
            c60 = b0.fma(a6p, c60); c61 = b1.fma(a6p, c61);
            FloatVector a7p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a7 + q));
            c70 = b0.fma(a7p, c70); c71 = b1.fma(a7p, c71);
        }
        c00.intoArray(tile, 0 * NR); c01.intoArray(tile, 0 * NR + 1 * L);
        c10.intoArray(tile, 1 * NR); c11.intoArray(tile, 1 * NR + 1 * L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + 1 * L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + 1 * L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + 1 * L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + 1 * L);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + 1 * L);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + 1 * L);
    }

    /**
     * Writes the first {@code rows}×{@code cols} of {@code tile} to C at {@code c0} (row stride
     * {@code ldc}): added to what C holds when {@code accumulate}, else plus the bias from
     * {@code biasAt} when there is one; then GELU when {@code gelu} (the last k block).
     */
    static void store(float[] tile, int rows, int cols, MemorySegment c, long c0, long ldc, boolean accumulate,
                      MemorySegment bias, long biasAt, boolean gelu) {
        for (int v = 0; v < NR && v < cols; v += L) {
            VectorMask<Float> mask = S.indexInRange(v, cols);
            FloatVector add = bias == null || accumulate ? null : FloatVector.fromMemorySegment(S, bias, (biasAt + v) * 4, LE, mask);
            for (int i = 0; i < rows; i++) {
                long at = (c0 + i * ldc + v) * 4;
                FloatVector x = FloatVector.fromArray(S, tile, i * NR + v);
                if (accumulate) x = x.add(FloatVector.fromMemorySegment(S, c, at, LE, mask));
                else if (add != null) x = x.add(add);
                if (gelu) x = Gelu.apply(x);
                x.intoMemorySegment(c, at, LE, mask);
            }
        }
    }
}
