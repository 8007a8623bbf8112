package jvit.vit.io;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The floating-point encodings that model and tensor files use, little-endian as on disk, and their
 * conversion from and to float32 tensors in native byte order. Rounding to a narrower format is to
 * nearest, ties to even, as PyTorch and NumPy round.
 */
public enum FloatFormat {
    F16(2), BF16(2), F32(4), F64(8);

    /** How the kernels read tensors: native order, any alignment (mapped file data need not be aligned). */
    public static final ValueLayout.OfFloat NATIVE = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble LE_DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int CHUNK_BYTES = 1 << 16;

    private final int bytes;

    FloatFormat(int bytes) { this.bytes = bytes; }

    /** Bytes per value. */
    public int bytes() { return bytes; }

    /** Whether raw data in this format can be used as a float32 tensor as it is, without a copy. */
    public boolean isNativeFloat32() { return this == F32 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN; }

    /** Value {@code index} of raw little-endian data in this format. */
    public float get(MemorySegment raw, long index) {
        return switch (this) {
            case F16 -> Float.float16ToFloat(raw.getAtIndex(LE_SHORT, index));
            case BF16 -> Float.intBitsToFloat(raw.getAtIndex(LE_SHORT, index) << 16);
            case F32 -> raw.getAtIndex(LE_FLOAT, index);
            case F64 -> (float) raw.getAtIndex(LE_DOUBLE, index);
        };
    }

    /** Stores {@code value} as value {@code index} of raw little-endian data in this format. */
    public void set(MemorySegment raw, long index, float value) {
        switch (this) {
            case F16 -> raw.setAtIndex(LE_SHORT, index, Float.floatToFloat16(value));
            case BF16 -> raw.setAtIndex(LE_SHORT, index, toBfloat16(value));
            case F32 -> raw.setAtIndex(LE_FLOAT, index, value);
            case F64 -> raw.setAtIndex(LE_DOUBLE, index, value);
        }
    }

    /** Raw data in this format as a new float32 tensor segment allocated in {@code arena}. */
    public MemorySegment toFloat32(MemorySegment raw, Arena arena) {
        long count = raw.byteSize() / bytes;
        MemorySegment floats = arena.allocate(count * Float.BYTES, Float.BYTES);
        if (this == F32) {
            MemorySegment.copy(raw, LE_FLOAT, 0, floats, NATIVE, 0, count);
        } else {
            for (long i = 0; i < count; i++) floats.setAtIndex(NATIVE, i, get(raw, i));
        }
        return floats;
    }

    /** Writes a float32 tensor's values to {@code out} in this format. */
    public void write(OutputStream out, MemorySegment floats) throws IOException {
        byte[] chunk = new byte[CHUNK_BYTES];
        MemorySegment chunkSegment = MemorySegment.ofArray(chunk);
        long count = floats.byteSize() / Float.BYTES;
        int perChunk = CHUNK_BYTES / bytes;
        for (long from = 0; from < count; from += perChunk) {
            int n = (int) Math.min(perChunk, count - from);
            if (this == F32) {
                MemorySegment.copy(floats, NATIVE, from * Float.BYTES, chunkSegment, LE_FLOAT, 0, n);
            } else {
                for (int i = 0; i < n; i++) set(chunkSegment, i, floats.getAtIndex(NATIVE, from + i));
            }
            out.write(chunk, 0, n * bytes);
        }
    }

    /** The upper half of a float32, rounded to nearest even; NaN stays a (quiet) NaN. */
    private static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) return (short) ((bits >>> 16) | 0x0040);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }
}
