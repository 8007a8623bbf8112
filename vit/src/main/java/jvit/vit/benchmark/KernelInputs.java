package jvit.vit.benchmark;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import jvit.kernels.Op;

/**
 * Values for a kernel's arguments that mean what the operator expects: uniform in [-1, 1) for
 * data, but class indices for labels, a non-negative second moment and a real schedule for
 * AdamW, so that no benchmark times arithmetic on NaNs.
 */
final class KernelInputs {
    private KernelInputs() {}

    /** Fills argument {@code index} of {@code op} (outputs included: some are read too). */
    static void fill(Op op, int index, MemorySegment s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long n = s.byteSize() / Float.BYTES;
        switch (op) {
            case Op.CrossEntropy o when index == 3 -> fill(s, n, () -> r.nextInt(o.classes()));
            case Op.AdamW o when index == 2 -> fill(s, n, () -> r.nextDouble());      // v: a second moment
            case Op.AdamW o when index == 4 -> fill(s, n, () -> 1);                   // squared global norm
            case Op.AdamW o when index == 5 -> {                                      // lr, 1 - β1^t, 1 - β2^t
                s.setAtIndex(ValueLayout.JAVA_FLOAT, 0, 1e-4f);
                s.setAtIndex(ValueLayout.JAVA_FLOAT, 1, 0.1f);
                s.setAtIndex(ValueLayout.JAVA_FLOAT, 2, 0.001f);
            }
            default -> fill(s, n, () -> r.nextDouble() * 2 - 1);
        }
    }

    private static void fill(MemorySegment s, long n, java.util.function.DoubleSupplier value) {
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) value.getAsDouble());
    }
}
