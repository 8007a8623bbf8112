package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;

/** The token sequence of a ViT: class token, then patch embeddings, each plus its position embedding. */
public final class EmbedTokens {
    private EmbedTokens() {}

    /**
     * {@code out[b, 0] = cls + pos[0]} and {@code out[b, 1 + i] = patches[b, i] + pos[1 + i]};
     * out {@code [batch, 1 + patches, hidden]}, patches {@code [batch, patches, hidden]}, cls
     * {@code [hidden]}, pos {@code [1 + patches, hidden]}.
     */
    public static void forward(MemorySegment out, MemorySegment patches, MemorySegment cls, MemorySegment pos,
                               int batch, int patchCount, int hidden) {
        int tokens = patchCount + 1;
        Parallel.forRange(batch * tokens, (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / tokens, t = row % tokens;
                long dst = (long) row * hidden, p = (long) t * hidden;
                if (t == 0) AddRows.add(out, dst, cls, 0, pos, p, hidden);
                else AddRows.add(out, dst, patches, ((long) b * patchCount + t - 1) * hidden, pos, p, hidden);
            }
        });
    }

    /** Gradients of {@link #forward}: {@code dpatches[b, i] = dx[b, 1 + i]}, {@code dcls = Σ_b dx[b, 0]}, {@code dpos[t] = Σ_b dx[b, t]}. */
    public static void backward(MemorySegment dpatches, MemorySegment dcls, MemorySegment dpos, MemorySegment dx,
                                int batch, int patchCount, int hidden) {
        int tokens = patchCount + 1;
        for (int b = 0; b < batch; b++)
            F32.copy(dx, ((long) b * tokens + 1) * hidden, dpatches, (long) b * patchCount * hidden, (long) patchCount * hidden);
        Parallel.forRange(tokens, (from, to) -> {
            for (int t = from; t < to; t++)
                for (int i = 0; i < hidden; i++) {
                    float sum = 0;
                    for (int b = 0; b < batch; b++) sum += F32.get(dx, ((long) b * tokens + t) * hidden + i);
                    F32.set(dpos, (long) t * hidden + i, sum);
                    if (t == 0) F32.set(dcls, i, sum);
                }
        });
    }
}
