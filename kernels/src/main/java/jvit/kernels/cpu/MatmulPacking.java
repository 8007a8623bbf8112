package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.LE;
import static jvit.kernels.cpu.F32.S;
import static jvit.kernels.cpu.MatmulKernel.NR;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Copies a block of B into k-major panels of {@link MatmulKernel#NR} columns, so that the kernel
 * reads B with unit stride from L1/L2 whatever B's layout; columns past {@code n} are zero.
 */
final class MatmulPacking {
    private MatmulPacking() {}

    /**
     * Packs columns {@code [j0, j1)} and k range {@code [p0, p0 + kc)} of one B matrix at
     * {@code base} whose rows are {@code ld} floats apart ({@code [k, n]}: n, or more in a slice;
     * {@code [n, k]} when {@code transposedB}: k, or more): panel {@code q} holds columns
     * {@code j0 + q·NR ..} at {@code at + q·kc·NR}, element {@code (p, j)} at {@code + p·NR + j}.
     */
    static void packB(MemorySegment b, long base, long ld, boolean transposedB, int j0, int j1, int p0, int kc,
                      float[] packed, int at) {
        for (int j = j0, panel = at; j < j1; j += NR, panel += kc * NR) {
            int cols = Math.min(NR, j1 - j);
            if (transposedB) packTransposed(b, base, ld, j, cols, p0, kc, packed, panel);
            else packRows(b, base, ld, j, cols, p0, kc, packed, panel);
        }
    }

    /** B is {@code [k, n]}: each panel row is a contiguous run of B's row. */
    private static void packRows(MemorySegment b, long base, long ld, int j, int cols, int p0, int kc, float[] packed, int panel) {
        long from = (base + p0 * ld + j) * 4, stride = 4 * ld;
        if (cols == NR) {
            for (int p = 0, to = panel; p < kc; p++, from += stride, to += NR)
                for (int v = 0; v < NR; v += L) FloatVector.fromMemorySegment(S, b, from + 4L * v, LE).intoArray(packed, to + v);
        } else {
            for (int p = 0, to = panel; p < kc; p++, from += stride, to += NR)
                for (int v = 0; v < NR; v += L)
                    FloatVector.fromMemorySegment(S, b, from + 4L * v, LE, S.indexInRange(v, cols)).intoArray(packed, to + v);
        }
    }

    /**
     * B is {@code [n, k]}: a panel is NR rows of B, transposed, 16×16 blocks in registers where
     * vectors are 16 floats wide, the rest element by element.
     */
    private static void packTransposed(MemorySegment b, long base, long ld, int j, int cols, int p0, int kc,
                                       float[] packed, int panel) {
        int p = 0;
        if (L == MatmulTranspose.SIZE && cols == NR) {
            for (; p + L <= kc; p += L)
                for (int v = 0; v < NR; v += L)
                    MatmulTranspose.transpose(b, (base + (j + v) * ld + p0 + p) * 4, 4 * ld, packed, panel + p * NR + v);
        } else if (cols < NR) {
            Arrays.fill(packed, panel, panel + kc * NR, 0f);
        }
        for (int jj = 0; jj < cols; jj++) {
            long from = base + (j + jj) * ld + p0;
            for (int q = p; q < kc; q++) packed[panel + q * NR + jj] = F32.get(b, from + q);
        }
    }
}
