package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.LE;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The AdamW optimiser step (Loshchilov &amp; Hutter), as PyTorch's {@code torch.optim.AdamW} computes
 * it, with the gradient first scaled as {@code clip_grad_norm_} does.
 */
public final class AdamW {
    /** Elements per task: below a few of these, waking the other cores costs more than it saves. */
    private static final int BLOCK = 32768;

    private AdamW() {}

    /**
     * In place on {@code param}, {@code m}, {@code v}: {@code p -= lr·wd·p}; {@code m = β1·m + (1-β1)·g};
     * {@code v = β2·v + (1-β2)·g²}; {@code p -= lr · (m/(1-β1^t)) / (√(v/(1-β2^t)) + eps)}, where
     * {@code g = grad · min(1, maxNorm / (√norm2 + 1e-6))} (no clipping when maxNorm is 0).
     *
     * @param norm2 {@code [1]}: the squared global norm of all gradients
     * @param schedule {@code [3]}: lr, 1 - β1^t, 1 - β2^t for this step
     */
    public static void forward(MemorySegment param, MemorySegment m, MemorySegment v, MemorySegment grad,
                               MemorySegment norm2, MemorySegment schedule, long n,
                               float beta1, float beta2, float eps, float weightDecay, float maxNorm) {
        float lr = F32.get(schedule, 0), correction1 = F32.get(schedule, 1), correction2 = F32.get(schedule, 2);
        float clip = maxNorm > 0 ? (float) Math.min(1, maxNorm / (Math.sqrt(F32.get(norm2, 0)) + 1e-6)) : 1;
        float decay = 1 - lr * weightDecay, step = lr / correction1, rootCorrection2 = (float) Math.sqrt(correction2);
        int blocks = (int) ((n + BLOCK - 1) / BLOCK);
        Parallel.forRange(blocks, (from, to) -> {
            long i = from * (long) BLOCK, end = Math.min(n, to * (long) BLOCK);
            for (; i + L <= end; i += L) {
                FloatVector g = FloatVector.fromMemorySegment(S, grad, 4L * i, LE).mul(clip);
                FloatVector mi = FloatVector.fromMemorySegment(S, m, 4L * i, LE).mul(beta1).add(g.mul(1 - beta1));
                FloatVector vi = FloatVector.fromMemorySegment(S, v, 4L * i, LE).mul(beta2).add(g.mul(g).mul(1 - beta2));
                FloatVector denominator = vi.lanewise(VectorOperators.SQRT).div(rootCorrection2).add(eps);
                FloatVector.fromMemorySegment(S, param, 4L * i, LE).mul(decay).sub(mi.mul(step).div(denominator)).intoMemorySegment(param, 4L * i, LE);
                mi.intoMemorySegment(m, 4L * i, LE);
                vi.intoMemorySegment(v, 4L * i, LE);
            }
            for (; i < end; i++) {
                float g = F32.get(grad, i) * clip;
                float mi = beta1 * F32.get(m, i) + (1 - beta1) * g, vi = beta2 * F32.get(v, i) + (1 - beta2) * g * g;
                float p = F32.get(param, i) * decay - step * mi / ((float) Math.sqrt(vi) / rootCorrection2 + eps);
                F32.set(param, i, p);
                F32.set(m, i, mi);
                F32.set(v, i, vi);
            }
        });
    }
}
