package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;

/** Picks the class token of each sequence, the input of a ViT's classification head. */
public final class ClassToken {
    private ClassToken() {}

    /** {@code out[b] = x[b, 0]}; x {@code [batch, tokens, hidden]}, out {@code [batch, hidden]}. */
    public static void forward(MemorySegment out, MemorySegment x, int batch, int tokens, int hidden) {
        for (int b = 0; b < batch; b++) F32.copy(x, (long) b * tokens * hidden, out, (long) b * hidden, hidden);
    }

    /** Gradient of {@link #forward}: {@code dx[b, 0] = dcls[b]}, zero for the other tokens. */
    public static void backward(MemorySegment dx, MemorySegment dcls, int batch, int tokens, int hidden) {
        dx.asSlice(0, 4L * batch * tokens * hidden).fill((byte) 0);
        for (int b = 0; b < batch; b++) F32.copy(dcls, (long) b * hidden, dx, (long) b * tokens * hidden, hidden);
    }
}
