package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.LE;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The register-blocked core of {@link Matmul}: an {@code MR}×{@code NR} tile of C, summed over
 * {@code kc} steps of broadcast(A)·panel(B) FMAs in registers.
 *
 * <p>11×2 vectors is 22 accumulators, 2 B vectors and a broadcast: 25 of AVX-512's (or NEON's) 32
 * registers, 22 FMAs per 13 loads. On Zen 5 it beat 12×2 by 6-11% (2026-12-05: with 12 rows the
 * row addresses also outnumber x86's 16 general registers; at 12 KiB between rows, k = 3072, the 12
 * A values of a step fill a 12-way L1 set), and 12×2 had beaten 8×2, 10×2 and 6×3 by 4–8%; 14×2 and
 * 8×3 spill (C2 then falls to 60% and 15%). Where there are 16 vector registers (AVX2, SSE) the
 * 11-row tile spills (a quarter of peak): there the tile is 6×2, 15 registers. History:
 * bench/results/2026-11-23-matmul-history.md, bench/results/2026-12-05-java-matmul-blocks.md.
 *
 * <p>The accumulators are stored as {@code zero.add(c)} (zero being -0, so the bits are c's), not
 * {@code c.intoArray}: as a receiver, the loop's running vector can have a type C2 does not know
 * exactly (F32's class comment), and then it inlined the store's vector intrinsic only in some
 * compiles. Those compiles ran the kernel on boxed vectors, 3-5x slower: {@code vit devices --profile}
 * with TornadoVM loaded, in about half the runs (NOTES, stops 17 and 18). As an argument the
 * vector's class is checked against the receiver's and so known.
 */
final class MatmulKernel {
    /** Rows of A per tile: 11 where there are 32 vector registers, else 6. */
    static final int MR = L >= 16 || System.getProperty("os.arch").equals("aarch64") ? 11 : 6;
    /** Columns per tile and per packed B panel: two vectors. */
    static final int NR = 2 * L;

    private MatmulKernel() {}

    /**
     * {@code tile[i][j] = Σ_p A[row + i·rowStride + p·depthStride]·packedB[panel + p·NR + j]} for
     * {@code p < kc}: A read in place, along its rows ({@code depthStride} 1) or, transposed, down its
     * columns ({@code rowStride} 1, the MR values of a step side by side). Rows at or past
     * {@code rows} repeat the last valid row (in bounds, and their results are not stored).
     */
    static void multiply(MemorySegment a, long row, long rowStride, long depthStride, int rows, float[] packedB, int panel, int kc,
                         float[] tile) {
        if (MR == 11 && depthStride == 1) multiply11AlongRows(a, row, rowStride, rows, packedB, panel, kc, tile);
        else if (MR == 11) multiply11(a, row, rowStride, depthStride, rows, packedB, panel, kc, tile);
        else multiply6(a, row, rowStride, depthStride, rows, packedB, panel, kc, tile);
    }

    private static void multiply11(MemorySegment a, long row, long rowStride, long depthStride, int rows, float[] packedB, int panel,
                                   int kc, float[] tile) {
        long a0 = row * 4;
        long a1 = a0 + (rows > 1 ? rowStride * 4 : 0);
        long a2 = a1 + (rows > 2 ? rowStride * 4 : 0);
        long a3 = a2 + (rows > 3 ? rowStride * 4 : 0);
        long a4 = a3 + (rows > 4 ? rowStride * 4 : 0);
        long a5 = a4 + (rows > 5 ? rowStride * 4 : 0);
        long a6 = a5 + (rows > 6 ? rowStride * 4 : 0);
        long a7 = a6 + (rows > 7 ? rowStride * 4 : 0);
        long a8 = a7 + (rows > 8 ? rowStride * 4 : 0);
        long a9 = a8 + (rows > 9 ? rowStride * 4 : 0);
        long a10 = a9 + (rows > 10 ? rowStride * 4 : 0);
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S);
        FloatVector c8_0 = FloatVector.zero(S), c8_1 = FloatVector.zero(S);
        FloatVector c9_0 = FloatVector.zero(S), c9_1 = FloatVector.zero(S);
        FloatVector c10_0 = FloatVector.zero(S), c10_1 = FloatVector.zero(S);
        long step = 4 * depthStride;
        for (int p = 0, b = panel; p < kc; p++, b += NR) {
            long q = step * p;
            FloatVector b0 = FloatVector.fromArray(S, packedB, b);
            FloatVector b1 = FloatVector.fromArray(S, packedB, b + 1 * L);
            FloatVector a0p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a0 + q));
            c0_0 = b0.fma(a0p, c0_0); c0_1 = b1.fma(a0p, c0_1);
            FloatVector a1p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a1 + q));
            c1_0 = b0.fma(a1p, c1_0); c1_1 = b1.fma(a1p, c1_1);
            FloatVector a2p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a2 + q));
            c2_0 = b0.fma(a2p, c2_0); c2_1 = b1.fma(a2p, c2_1);
            FloatVector a3p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a3 + q));
            c3_0 = b0.fma(a3p, c3_0); c3_1 = b1.fma(a3p, c3_1);
            FloatVector a4p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a4 + q));
            c4_0 = b0.fma(a4p, c4_0); c4_1 = b1.fma(a4p, c4_1);
            FloatVector a5p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a5 + q));
            c5_0 = b0.fma(a5p, c5_0); c5_1 = b1.fma(a5p, c5_1);
            FloatVector a6p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a6 + q));
            c6_0 = b0.fma(a6p, c6_0); c6_1 = b1.fma(a6p, c6_1);
            FloatVector a7p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a7 + q));
            c7_0 = b0.fma(a7p, c7_0); c7_1 = b1.fma(a7p, c7_1);
            FloatVector a8p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a8 + q));
            c8_0 = b0.fma(a8p, c8_0); c8_1 = b1.fma(a8p, c8_1);
            FloatVector a9p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a9 + q));
            c9_0 = b0.fma(a9p, c9_0); c9_1 = b1.fma(a9p, c9_1);
            FloatVector a10p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a10 + q));
            c10_0 = b0.fma(a10p, c10_0); c10_1 = b1.fma(a10p, c10_1);
        }
        FloatVector zero = FloatVector.broadcast(S, -0f); // -0 + x is x: stored through a fresh vector, see the class comment
        zero.add(c0_0).intoArray(tile, 0 * NR); zero.add(c0_1).intoArray(tile, 0 * NR + 1 * L);
        zero.add(c1_0).intoArray(tile, 1 * NR); zero.add(c1_1).intoArray(tile, 1 * NR + 1 * L);
        zero.add(c2_0).intoArray(tile, 2 * NR); zero.add(c2_1).intoArray(tile, 2 * NR + 1 * L);
        zero.add(c3_0).intoArray(tile, 3 * NR); zero.add(c3_1).intoArray(tile, 3 * NR + 1 * L);
        zero.add(c4_0).intoArray(tile, 4 * NR); zero.add(c4_1).intoArray(tile, 4 * NR + 1 * L);
        zero.add(c5_0).intoArray(tile, 5 * NR); zero.add(c5_1).intoArray(tile, 5 * NR + 1 * L);
        zero.add(c6_0).intoArray(tile, 6 * NR); zero.add(c6_1).intoArray(tile, 6 * NR + 1 * L);
        zero.add(c7_0).intoArray(tile, 7 * NR); zero.add(c7_1).intoArray(tile, 7 * NR + 1 * L);
        zero.add(c8_0).intoArray(tile, 8 * NR); zero.add(c8_1).intoArray(tile, 8 * NR + 1 * L);
        zero.add(c9_0).intoArray(tile, 9 * NR); zero.add(c9_1).intoArray(tile, 9 * NR + 1 * L);
        zero.add(c10_0).intoArray(tile, 10 * NR); zero.add(c10_1).intoArray(tile, 10 * NR + 1 * L);
    }


    /**
     * {@link #multiply11} along A's rows (depth stride 1: every forward product): A's addresses then
     * move by a constant 4 bytes a step, so C2 hoists the bounds checks of the 11 loads of A out of
     * the loop. With a stride known only at run time it checks every load, 11 compares and branches
     * a step: 3.5-7.7% slower on ViT-B/16's products at batch 1 (2026-12-05, in one JVM).
     */
    private static void multiply11AlongRows(MemorySegment a, long row, long rowStride, int rows, float[] packedB, int panel, int kc,
                                            float[] tile) {
        long a0 = row * 4;
        long a1 = a0 + (rows > 1 ? rowStride * 4 : 0);
        long a2 = a1 + (rows > 2 ? rowStride * 4 : 0);
        long a3 = a2 + (rows > 3 ? rowStride * 4 : 0);
        long a4 = a3 + (rows > 4 ? rowStride * 4 : 0);
        long a5 = a4 + (rows > 5 ? rowStride * 4 : 0);
        long a6 = a5 + (rows > 6 ? rowStride * 4 : 0);
        long a7 = a6 + (rows > 7 ? rowStride * 4 : 0);
        long a8 = a7 + (rows > 8 ? rowStride * 4 : 0);
        long a9 = a8 + (rows > 9 ? rowStride * 4 : 0);
        long a10 = a9 + (rows > 10 ? rowStride * 4 : 0);
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S);
        FloatVector c8_0 = FloatVector.zero(S), c8_1 = FloatVector.zero(S);
        FloatVector c9_0 = FloatVector.zero(S), c9_1 = FloatVector.zero(S);
        FloatVector c10_0 = FloatVector.zero(S), c10_1 = FloatVector.zero(S);
        for (int p = 0, b = panel; p < kc; p++, b += NR) {
            long q = 4L * p;
            FloatVector b0 = FloatVector.fromArray(S, packedB, b);
            FloatVector b1 = FloatVector.fromArray(S, packedB, b + 1 * L);
            FloatVector a0p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a0 + q));
            c0_0 = b0.fma(a0p, c0_0); c0_1 = b1.fma(a0p, c0_1);
            FloatVector a1p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a1 + q));
            c1_0 = b0.fma(a1p, c1_0); c1_1 = b1.fma(a1p, c1_1);
            FloatVector a2p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a2 + q));
            c2_0 = b0.fma(a2p, c2_0); c2_1 = b1.fma(a2p, c2_1);
            FloatVector a3p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a3 + q));
            c3_0 = b0.fma(a3p, c3_0); c3_1 = b1.fma(a3p, c3_1);
            FloatVector a4p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a4 + q));
            c4_0 = b0.fma(a4p, c4_0); c4_1 = b1.fma(a4p, c4_1);
            FloatVector a5p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a5 + q));
            c5_0 = b0.fma(a5p, c5_0); c5_1 = b1.fma(a5p, c5_1);
            FloatVector a6p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a6 + q));
            c6_0 = b0.fma(a6p, c6_0); c6_1 = b1.fma(a6p, c6_1);
            FloatVector a7p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a7 + q));
            c7_0 = b0.fma(a7p, c7_0); c7_1 = b1.fma(a7p, c7_1);
            FloatVector a8p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a8 + q));
            c8_0 = b0.fma(a8p, c8_0); c8_1 = b1.fma(a8p, c8_1);
            FloatVector a9p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a9 + q));
            c9_0 = b0.fma(a9p, c9_0); c9_1 = b1.fma(a9p, c9_1);
            FloatVector a10p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a10 + q));
            c10_0 = b0.fma(a10p, c10_0); c10_1 = b1.fma(a10p, c10_1);
        }
        FloatVector zero = FloatVector.broadcast(S, -0f); // -0 + x is x: stored through a fresh vector, see the class comment
        zero.add(c0_0).intoArray(tile, 0 * NR); zero.add(c0_1).intoArray(tile, 0 * NR + 1 * L);
        zero.add(c1_0).intoArray(tile, 1 * NR); zero.add(c1_1).intoArray(tile, 1 * NR + 1 * L);
        zero.add(c2_0).intoArray(tile, 2 * NR); zero.add(c2_1).intoArray(tile, 2 * NR + 1 * L);
        zero.add(c3_0).intoArray(tile, 3 * NR); zero.add(c3_1).intoArray(tile, 3 * NR + 1 * L);
        zero.add(c4_0).intoArray(tile, 4 * NR); zero.add(c4_1).intoArray(tile, 4 * NR + 1 * L);
        zero.add(c5_0).intoArray(tile, 5 * NR); zero.add(c5_1).intoArray(tile, 5 * NR + 1 * L);
        zero.add(c6_0).intoArray(tile, 6 * NR); zero.add(c6_1).intoArray(tile, 6 * NR + 1 * L);
        zero.add(c7_0).intoArray(tile, 7 * NR); zero.add(c7_1).intoArray(tile, 7 * NR + 1 * L);
        zero.add(c8_0).intoArray(tile, 8 * NR); zero.add(c8_1).intoArray(tile, 8 * NR + 1 * L);
        zero.add(c9_0).intoArray(tile, 9 * NR); zero.add(c9_1).intoArray(tile, 9 * NR + 1 * L);
        zero.add(c10_0).intoArray(tile, 10 * NR); zero.add(c10_1).intoArray(tile, 10 * NR + 1 * L);
    }


    /** multiply11's first 6 rows, written out again: C2 keeps named locals in registers, not arrays of vectors. */
    private static void multiply6(MemorySegment a, long row, long rowStride, long depthStride, int rows, float[] packedB, int panel,
                                  int kc, float[] tile) {
        long a0 = row * 4;
        long a1 = a0 + (rows > 1 ? rowStride * 4 : 0);
        long a2 = a1 + (rows > 2 ? rowStride * 4 : 0);
        long a3 = a2 + (rows > 3 ? rowStride * 4 : 0);
        long a4 = a3 + (rows > 4 ? rowStride * 4 : 0);
        long a5 = a4 + (rows > 5 ? rowStride * 4 : 0);
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
        long step = 4 * depthStride;
        for (int p = 0, b = panel; p < kc; p++, b += NR) {
            long q = step * p;
            FloatVector b0 = FloatVector.fromArray(S, packedB, b);
            FloatVector b1 = FloatVector.fromArray(S, packedB, b + 1 * L);
            FloatVector a0p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a0 + q));
            c0_0 = b0.fma(a0p, c0_0); c0_1 = b1.fma(a0p, c0_1);
            FloatVector a1p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a1 + q));
            c1_0 = b0.fma(a1p, c1_0); c1_1 = b1.fma(a1p, c1_1);
            FloatVector a2p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a2 + q));
            c2_0 = b0.fma(a2p, c2_0); c2_1 = b1.fma(a2p, c2_1);
            FloatVector a3p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a3 + q));
            c3_0 = b0.fma(a3p, c3_0); c3_1 = b1.fma(a3p, c3_1);
            FloatVector a4p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a4 + q));
            c4_0 = b0.fma(a4p, c4_0); c4_1 = b1.fma(a4p, c4_1);
            FloatVector a5p = FloatVector.broadcast(S, a.get(F32.LAYOUT, a5 + q));
            c5_0 = b0.fma(a5p, c5_0); c5_1 = b1.fma(a5p, c5_1);
        }
        FloatVector zero = FloatVector.broadcast(S, -0f); // -0 + x is x: stored through a fresh vector, see the class comment
        zero.add(c0_0).intoArray(tile, 0 * NR); zero.add(c0_1).intoArray(tile, 0 * NR + 1 * L);
        zero.add(c1_0).intoArray(tile, 1 * NR); zero.add(c1_1).intoArray(tile, 1 * NR + 1 * L);
        zero.add(c2_0).intoArray(tile, 2 * NR); zero.add(c2_1).intoArray(tile, 2 * NR + 1 * L);
        zero.add(c3_0).intoArray(tile, 3 * NR); zero.add(c3_1).intoArray(tile, 3 * NR + 1 * L);
        zero.add(c4_0).intoArray(tile, 4 * NR); zero.add(c4_1).intoArray(tile, 4 * NR + 1 * L);
        zero.add(c5_0).intoArray(tile, 5 * NR); zero.add(c5_1).intoArray(tile, 5 * NR + 1 * L);
    }


    /**
     * Writes the first {@code rows}×{@code cols} of {@code tile} to C at {@code c0} (row stride
     * {@code ldc}): added to what C holds when {@code accumulate}, else plus the bias from
     * {@code biasAt} when there is one.
     *
     * <p>Each case has a loop of its own: a vector that can come from two branches is boxed on the
     * heap, and at batch 1 that was over 1 GB/s of garbage.
     */
    static void store(float[] tile, int rows, int cols, MemorySegment c, long c0, long ldc, boolean accumulate,
                      MemorySegment bias, long biasAt) {
        for (int v = 0; v < NR && v < cols; v += L) {
            VectorMask<Float> mask = S.indexInRange(v, cols);
            if (accumulate) {
                for (int i = 0; i < rows; i++) {
                    long at = (c0 + i * ldc + v) * 4;
                    FloatVector.fromArray(S, tile, i * NR + v).add(FloatVector.fromMemorySegment(S, c, at, LE, mask))
                            .intoMemorySegment(c, at, LE, mask);
                }
            } else if (bias != null) {
                FloatVector add = FloatVector.fromMemorySegment(S, bias, (biasAt + v) * 4, LE, mask);
                for (int i = 0; i < rows; i++) {
                    FloatVector.fromArray(S, tile, i * NR + v).add(add).intoMemorySegment(c, (c0 + i * ldc + v) * 4, LE, mask);
                }
            } else {
                for (int i = 0; i < rows; i++) {
                    FloatVector.fromArray(S, tile, i * NR + v).intoMemorySegment(c, (c0 + i * ldc + v) * 4, LE, mask);
                }
            }
        }
    }
}
