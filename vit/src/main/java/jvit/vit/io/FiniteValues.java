package jvit.vit.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Finds NaN and infinities in float32 data: weights at load, logits before they are reported. */
public final class FiniteValues {
    /** An IEEE float is NaN or infinite exactly when its exponent bits are all ones. */
    private static final int EXPONENT = 0x7f80_0000;
    private static final ValueLayout.OfInt BITS = ValueLayout.JAVA_INT_UNALIGNED;

    private FiniteValues() {}

    /** The index of the first NaN or infinite float in {@code floats}, or -1 when every one is finite. */
    public static long firstNonFinite(MemorySegment floats) {
        long n = floats.byteSize() / 4;
        for (long i = 0; i < n; i++)
            if ((floats.get(BITS, 4 * i) & EXPONENT) == EXPONENT) return i;
        return -1;
    }

    public static boolean allFinite(MemorySegment floats) {
        return firstNonFinite(floats) < 0;
    }
}
