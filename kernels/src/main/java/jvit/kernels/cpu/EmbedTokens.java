package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;

/**
 * The token sequence of a ViT: the prefix tokens (class, distillation, registers), then the patch
 * embeddings, each plus its position embedding where it has one.
 */
public final class EmbedTokens {
    private EmbedTokens() {}

    /**
     * {@code out[b, t] = pre[t] (+ pos[t - positionsFrom])} for {@code t < prefix},
     * {@code out[b, prefix + i] = patches[b, i] + pos[prefix + i - positionsFrom]}; out
     * {@code [batch, prefix + patches, hidden]}, patches {@code [batch, patches, hidden]}, pre
     * {@code [prefix, hidden]} (null when {@code prefix} is 0), pos {@code [prefix + patches - positionsFrom, hidden]}.
     */
    public static void forward(MemorySegment out, MemorySegment patches, MemorySegment pre, MemorySegment pos,
                               int batch, int prefix, int patchCount, int hidden, int positionsFrom) {
        int tokens = prefix + patchCount;
        Parallel.forRange(batch * tokens, (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / tokens, t = row % tokens;
                long dst = (long) row * hidden, p = (long) (t - positionsFrom) * hidden;
                MemorySegment src = t < prefix ? pre : patches;
                long at = t < prefix ? (long) t * hidden : ((long) b * patchCount + t - prefix) * hidden;
                if (t >= positionsFrom) AddRows.add(out, dst, src, at, pos, p, hidden);
                else F32.copy(src, at, out, dst, hidden);
            }
        });
    }

    /**
     * Gradients of {@link #forward}: {@code dpatches[b, i] = dx[b, prefix + i]}, {@code dpre[t] = Σ_b dx[b, t]},
     * {@code dpos[t - positionsFrom] = Σ_b dx[b, t]}; {@code dpre} null when {@code prefix} is 0.
     */
    public static void backward(MemorySegment dpatches, MemorySegment dpre, MemorySegment dpos, MemorySegment dx,
                                int batch, int prefix, int patchCount, int hidden, int positionsFrom) {
        int tokens = prefix + patchCount;
        for (int b = 0; b < batch; b++)
            F32.copy(dx, ((long) b * tokens + prefix) * hidden, dpatches, (long) b * patchCount * hidden, (long) patchCount * hidden);
        Parallel.forRange(tokens, (from, to) -> {
            for (int t = from; t < to; t++)
                for (int i = 0; i < hidden; i++) {
                    float sum = 0;
                    for (int b = 0; b < batch; b++) sum += F32.get(dx, ((long) b * tokens + t) * hidden + i);
                    if (t >= positionsFrom) F32.set(dpos, (long) (t - positionsFrom) * hidden + i, sum);
                    if (t < prefix) F32.set(dpre, (long) t * hidden + i, sum);
                }
        });
    }
}
