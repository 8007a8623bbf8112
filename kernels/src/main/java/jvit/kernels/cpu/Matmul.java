package jvit.kernels.cpu;

import static jvit.kernels.cpu.MatmulKernel.MR;
import static jvit.kernels.cpu.MatmulKernel.NR;

import java.lang.foreign.MemorySegment;
import jvit.kernels.Op.Activation;

/**
 * Matrix multiplication, {@code C[b] = A[b]·op(B[b]) (+ bias) (then activation)}. See
 * {@link jvit.kernels.Op.Matmul} for the layouts.
 *
 * <p>Blocked as in GotoBLAS/BLIS: C is cut into tasks of whole rows × a block of columns (a
 * batch item each), spread over the cores. A task packs its B block (KC × up to NC columns,
 * L2-sized) into panels and sweeps A's rows through {@link MatmulKernel} MR at a time, A read in
 * place; k beyond KC is summed in C.
 */
public final class Matmul {
    /** Depth of a k block: a B panel (KC × NR) stays in L1, a B block in L2. */
    static final int KC = 384;
    /** Most columns per task (a multiple of NR). */
    static final int NC = 8 * NR;

    /** Fewer rows than this take {@link MatmulSmall}. */
    static final int SMALL_M = Integer.getInteger("jvit.smallM", 4);

    private static final ThreadLocal<float[]> PACKED = ThreadLocal.withInitial(() -> new float[KC * NC]);

    private Matmul() {}

    /**
     * @param bias {@code [n]}, or {@code null}
     * @param transposedB B is {@code [n, k]} (A·Bᵀ) rather than {@code [k, n]} (A·B)
     */
    public static void forward(MemorySegment c, MemorySegment a, MemorySegment b, MemorySegment bias,
                               int batch, int m, int n, int k, boolean transposedB, Activation activation) {
        boolean gelu = activation == Activation.GELU;
        if (m < SMALL_M) {
            MatmulSmall.forward(c, a, b, bias, batch, m, n, k, transposedB, gelu);
            return;
        }
        int wanted = Parallel.THREADS * 4;
        int panels = (n + NR - 1) / NR;
        Split cols = Split.of(panels, Math.max((panels + NC / NR - 1) / (NC / NR), (wanted + batch - 1) / batch));
        Split rows = Split.of((m + MR - 1) / MR, wanted / (batch * cols.parts()));
        int kBlocks = (k + KC - 1) / KC, kc = (k + kBlocks - 1) / kBlocks;
        int tasksPerItem = cols.parts() * rows.parts();
        Parallel.forRange(batch * tasksPerItem, 4, (from, to) -> {
            float[] packed = PACKED.get();
            float[] tile = new float[MR * NR];
            for (int t = from; t < to; t++) {
                int item = t / tasksPerItem, cb = t % tasksPerItem / rows.parts(), rb = t % rows.parts();
                int j0 = cb * cols.each() * NR, j1 = Math.min(n, j0 + cols.each() * NR);
                int i0 = rb * rows.each() * MR, i1 = Math.min(m, i0 + rows.each() * MR);
                block(c, a, b, bias, item, m, n, k, transposedB, gelu, i0, i1, j0, j1, kc, packed, tile);
            }
        });
    }

    /** C rows {@code [i0, i1)} × columns {@code [j0, j1)} of batch item {@code item}. */
    private static void block(MemorySegment c, MemorySegment a, MemorySegment b, MemorySegment bias, int item,
                              int m, int n, int k, boolean transposedB, boolean gelu,
                              int i0, int i1, int j0, int j1, int kc, float[] packed, float[] tile) {
        long aBase = (long) item * m * k, bBase = (long) item * n * k, cBase = (long) item * m * n;
        for (int p0 = 0; p0 < k; p0 += kc) {
            int depth = Math.min(kc, k - p0);
            boolean first = p0 == 0, last = p0 + depth == k;
            MatmulPacking.packB(b, bBase, n, k, transposedB, j0, j1, p0, depth, packed);
            for (int i = i0; i < i1; i += MR) {
                int rows = Math.min(MR, i1 - i);
                for (int j = j0, panel = 0; j < j1; j += NR, panel += depth * NR) {
                    MatmulKernel.multiply(a, aBase + (long) i * k + p0, k, rows, packed, panel, depth, tile);
                    MatmulKernel.store(tile, rows, Math.min(NR, j1 - j), c, cBase + (long) i * n + j, n, !first,
                            bias, j, gelu && last);
                }
            }
        }
    }

    /** {@code units} (tiles or panels) cut into {@code parts} runs of {@code each}. */
    private record Split(int parts, int each) {
        /** About {@code wanted} parts, at least one, at most one per unit. */
        static Split of(int units, int wanted) {
            int each = (units + Math.clamp(wanted, 1, units) - 1) / Math.clamp(wanted, 1, units);
            return new Split((units + each - 1) / each, each);
        }
    }
}
