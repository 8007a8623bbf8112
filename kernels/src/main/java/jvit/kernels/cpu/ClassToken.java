package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;

/** Picks one token of each sequence (the class token, or DeiT's distillation token), the input of a classification head. */
public final class ClassToken {
    private ClassToken() {}

    /** {@code out[b] = x[b, token]}; x {@code [batch, tokens, hidden]}, out {@code [batch, hidden]}. */
    public static void forward(MemorySegment out, MemorySegment x, int batch, int tokens, int hidden, int token) {
        for (int b = 0; b < batch; b++) F32.copy(x, ((long) b * tokens + token) * hidden, out, (long) b * hidden, hidden);
    }

    /** Gradient of {@link #forward}: {@code dx[b, token] = dcls[b]}, zero for the other tokens. */
    public static void backward(MemorySegment dx, MemorySegment dcls, int batch, int tokens, int hidden, int token) {
        dx.asSlice(0, 4L * batch * tokens * hidden).fill((byte) 0);
        for (int b = 0; b < batch; b++) F32.copy(dcls, (long) b * hidden, dx, ((long) b * tokens + token) * hidden, hidden);
    }
}
