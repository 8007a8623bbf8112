package jvit.kernels.cpu;

import static jvit.kernels.cpu.MatmulKernel.NR;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * B matrices that cannot change, packed once into {@link MatmulPacking}'s panels (all of k, panel
 * {@code q} at {@code q·k·NR}) and kept while their memory lives. A read-only segment is one:
 * jvit makes them only by mapping weight files, whose tensors no kernel writes. Without it a
 * batch-1 forward packs every weight again each run, a pass over all of them for 197 rows of work.
 * Costs a float copy of the weights on the heap.
 */
final class PackedWeights {
    /** One B as a product reads it: the same bytes packed for another shape or layout are another entry. */
    private record Key(long address, long bytes, int n, int k, boolean transposed) {}

    /** By the lifetime of the memory, so that an address reused after its arena closed finds nothing. */
    private static final Map<MemorySegment.Scope, Map<Key, float[]>> CACHE = new WeakHashMap<>();

    private PackedWeights() {}

    /** B ({@code [n, k]} when {@code transposed}, else {@code [k, n]}), read-only, packed: panels of NR columns. */
    static synchronized float[] of(MemorySegment b, int n, int k, boolean transposed) {
        CACHE.keySet().removeIf(scope -> !scope.isAlive());
        return CACHE.computeIfAbsent(b.scope(), scope -> new HashMap<>())
                .computeIfAbsent(new Key(b.address(), b.byteSize(), n, k, transposed), key -> pack(b, n, k, transposed));
    }

    private static float[] pack(MemorySegment b, int n, int k, boolean transposed) {
        int panels = (n + NR - 1) / NR;
        float[] packed = new float[Math.multiplyExact(panels * NR, k)];
        Parallel.forRange(panels, (from, to) -> MatmulPacking.packB(b, 0, transposed ? k : n, transposed, from * NR, Math.min(n, to * NR), 0, k,
                packed, from * NR * k));
        return packed;
    }
}
