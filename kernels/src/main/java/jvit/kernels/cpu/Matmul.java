package jvit.kernels.cpu;

import static jvit.kernels.cpu.MatmulKernel.MR;
import static jvit.kernels.cpu.MatmulKernel.NR;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jvit.kernels.Op.Activation;

/**
 * Matrix multiplication, {@code C[b] = op(A[b])·op(B[b]) (+ bias) (then activation)}. See
 * {@link jvit.kernels.Op.Matmul} for the layouts.
 *
 * <p>Blocked as in GotoBLAS/BLIS: C is cut into tasks of rows × a block of up to NC columns (a
 * batch item each), spread over the cores. A task packs its columns of B, all of k, into panels
 * ({@link MatmulPacking}), then sweeps A's rows through {@link MatmulKernel} MR at a time, A read
 * in place (a transposed A down its columns); k deeper than KC is summed in C, MC rows at a time.
 * A read-only B (mapped weights) is packed once and kept ({@link PackedWeights}).
 * Fewer than {@value #SMALL_M} rows take {@link MatmulSmall}, where packing would cost more than it
 * saves.
 */
public final class Matmul {
    /**
     * Most depth of a k block. Deep blocks pay: every extra block reads and writes the C tile
     * again. At 1024 the kernel's rows of A (MR × KC) about fill L1 (48 KiB), its B panel (KC × NR) sits in L2.
     */
    static final int KC = 1024;
    /** Rows of C per block, which stays in L2 while the k blocks are summed into it. */
    static final int MC = 16 * MR;
    /**
     * Most columns per task (a multiple of NR): a B block of KC × NC is half a MiB, which a row tile
     * sweeps while L2 (1 MiB on Zen 5) also holds A and C. At 1 MiB (8 panels) the 768×2304 and
     * 768×3072 products ran 4-14% slower (bench/results/2026-12-05-java-matmul-blocks.md).
     */
    static final int NC = 4 * NR;

    /** Fewer rows than this take {@link MatmulSmall} (the two cross near 4 rows at 768×768). */
    static final int SMALL_M = 4;

    /** Where {@link #touch} leaves its sum, so that the JIT keeps its loads. */
    private static float touched;

    private static final ThreadLocal<float[]> PACKED = ThreadLocal.withInitial(() -> new float[0]);
    /** Each calling thread's product of {@link #forwardAdding}, grown as needed. */
    private static final ThreadLocal<MemorySegment> PRODUCT = ThreadLocal.withInitial(() -> MemorySegment.NULL);

    private Matmul() {}

    /**
     * @param bias {@code [n]}, or {@code null}
     * @param transposedA A is {@code [k, m]} (Aᵀ·…) rather than {@code [m, k]}
     * @param transposedB B is {@code [n, k]} (…·Bᵀ) rather than {@code [k, n]}
     */
    public static void forward(MemorySegment c, MemorySegment a, MemorySegment b, MemorySegment bias,
                               int batch, int m, int n, int k, boolean transposedA, boolean transposedB, Activation activation) {
        if (m < SMALL_M) {
            MatmulSmall.forward(c, a, b, bias, batch, m, n, k, transposedA, transposedB, activation);
            return;
        }
        float[] packedWeights = batch == 1 && b.isReadOnly() ? PackedWeights.of(b, n, k, transposedB) : null;
        int wanted = Parallel.THREADS * 4;
        int panels = (n + NR - 1) / NR;
        Split cols = Split.of(panels, Math.max((panels + NC / NR - 1) / (NC / NR), (wanted + batch - 1) / batch));
        int tiles = (m + MR - 1) / MR, rowParts = Math.max(1, wanted / (batch * cols.parts()));
        // Tasks that the threads share evenly: 9 on 2 threads left one idle for a ninth of ViT-S/16's qkv at
        // batch 8 (splitting its rows in two: +10%). Not down to row parts shorter than MC: at 197 rows that
        // cost as much as it saved.
        while ((batch * cols.parts() * rowParts) % Parallel.THREADS != 0 && tiles / (rowParts + 1) >= MC / MR) rowParts++;
        Split rows = Split.of(tiles, rowParts);
        int kBlocks = (k + KC - 1) / KC, kc = (k + kBlocks - 1) / kBlocks;
        int tasksPerItem = cols.parts() * rows.parts();
        // Each task a chunk of its own where there are few, so that a core slowed by a neighbour takes fewer.
        Parallel.forRange(batch * tasksPerItem, 16, (from, to) -> {
            float[] tile = new float[MR * NR];
            for (int t = from; t < to; t++) {
                int item = t / tasksPerItem, cb = t % tasksPerItem / rows.parts(), rb = t % rows.parts();
                int j0 = cb * cols.each() * NR, j1 = Math.min(n, j0 + cols.each() * NR);
                int i0 = rb * rows.each() * MR, i1 = Math.min(m, i0 + rows.each() * MR);
                block(c, a, b, packedWeights, bias, item, m, n, k, transposedA, transposedB, activation, i0, i1, j0, j1, kc, tile);
            }
        });
    }

    /**
     * {@code C += op(A)·op(B) (+ bias)}: the product into scratch, then added to C. Adding in the kernel's stores instead
     * (one pass over C fewer) ran ViT-B/16 at batch 1 5% slower on Zen 5 (2026-12-05, in one JVM: the residual branches'
     * products slowed by more than the adds they saved, which take ~10 µs each).
     */
    public static void forwardAdding(MemorySegment c, MemorySegment a, MemorySegment b, MemorySegment bias, int batch, int m, int n,
                                     int k, boolean transposedA, boolean transposedB) {
        MemorySegment product = PRODUCT.get();
        if (product.byteSize() < c.byteSize()) PRODUCT.set(product = Arena.ofAuto().allocate(c.byteSize(), 64));
        forward(product, a, b, bias, batch, m, n, k, transposedA, transposedB, Activation.NONE);
        Add.forward(c, c, product, (long) batch * m * n);
    }

    /**
     * C rows {@code [i0, i1)} × columns {@code [j0, j1)} of batch item {@code item}. All of k is
     * packed first (unless {@code packedWeights} holds all of B packed), so that the C block of MC
     * rows can stay in L2 while its k blocks are summed.
     */
    private static void block(MemorySegment c, MemorySegment a, MemorySegment b, float[] packedWeights, MemorySegment bias, int item,
                              int m, int n, int k, boolean transposedA, boolean transposedB, Activation activation,
                              int i0, int i1, int j0, int j1, int kc, float[] tile) {
        long aBase = (long) item * m * k, bBase = (long) item * n * k, cBase = (long) item * m * n;
        long rowStride = transposedA ? 1 : k, depthStride = transposedA ? m : 1;
        float[] packed = packedWeights;
        int start = 0; // panel j0's place in packed: panels of all of k, one after another
        if (packed != null) {
            start = j0 / NR * k * NR;
            touched = touch(packed, start, start + (j1 - j0 + NR - 1) / NR * NR * k);
        } else {
            packed = packedB(Math.multiplyExact(k, (j1 - j0 + NR - 1) / NR * NR));
            MatmulPacking.packB(b, bBase, transposedB ? k : n, transposedB, j0, j1, 0, k, packed, 0);
        }
        for (int ic = i0; ic < i1; ic += MC) {
            int ie = Math.min(i1, ic + MC);
            for (int p0 = 0; p0 < k; p0 += kc) {
                int depth = Math.min(kc, k - p0);
                boolean first = p0 == 0, last = p0 + depth == k;
                for (int i = ic; i < ie; i += MR) {
                    int rows = Math.min(MR, ie - i);
                    for (int j = j0, panel = start + p0 * NR; j < j1; j += NR, panel += k * NR) {
                        MatmulKernel.multiply(a, aBase + i * rowStride + p0 * depthStride, rowStride, depthStride, rows, packed, panel,
                                depth, tile);
                        MatmulKernel.store(tile, rows, Math.min(NR, j1 - j), c, cBase + (long) i * n + j, n, !first, bias, j);
                    }
                    if (last && activation != Activation.NONE) {
                        // The task's columns of the row tile, one call a row while they are in L1: a call a
                        // tile row (two vectors) was 1-4% slower on ViT-B/16's fc1 and qkv at batch 1.
                        for (int r = i; r < i + rows; r++) Gelu.apply(c, cBase + (long) r * n + j0, c, cBase + (long) r * n + j0, j1 - j0, activation);
                    }
                }
            }
        }
    }

    /**
     * Reads one float of each cache line of {@code packed[from, to)} and returns their sum: a task's block
     * of packed weights, before its row tiles sweep it. At batch 1 the weights come from DRAM once a
     * forward, and these independent loads fetch them faster than the kernel's own 2 loads a step do:
     * ViT-B/16's products at batch 1 ran 4-6% faster on two cores, 1.5% on one (Java has no prefetch
     * instruction). Every line: every other line was 10% slower than every line.
     */
    private static float touch(float[] packed, int from, int to) {
        float sum = 0;
        for (int q = from; q < to; q += 16) sum += packed[q];
        return sum;
    }

    /** This thread's packing buffer, grown to at least {@code size}. */
    private static float[] packedB(int size) {
        float[] packed = PACKED.get();
        if (packed.length < size) PACKED.set(packed = new float[size]);
        return packed;
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
