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
}
