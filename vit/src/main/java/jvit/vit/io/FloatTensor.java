package jvit.vit.io;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A float32 tensor as files hold one: a row-major shape and the values, native byte order, in a
 * segment of exactly {@code 4 × elements} bytes (off-heap, memory-mapped, or a heap {@code float[]}).
 */
public record FloatTensor(long[] shape, MemorySegment data) {
    public FloatTensor {
        shape = shape.clone();
        long elements = elements(shape);
        if (data.byteSize() != elements * Float.BYTES) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + elements * Float.BYTES
                    + " bytes, the data has " + data.byteSize());
        }
    }

    /** A tensor over a heap array, no copy. */
    public static FloatTensor of(float[] values, long... shape) {
        return new FloatTensor(shape, MemorySegment.ofArray(values));
    }

    @Override
    public long[] shape() { return shape.clone(); }

    public long elements() { return elements(shape); }

    /** A copy of the values in a heap array. */
    public float[] toArray() {
        float[] values = new float[Math.toIntExact(elements())];
        MemorySegment.copy(data, FloatFormat.NATIVE, 0, values, 0, values.length);
        return values;
    }

    /** The number of values a shape holds; the empty shape is a scalar, one value. */
    public static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && Arrays.equals(t.shape, shape) && t.data.equals(data);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(shape) * 31 + data.hashCode(); }

    @Override
    public String toString() { return "FloatTensor" + Arrays.toString(shape); }
}
