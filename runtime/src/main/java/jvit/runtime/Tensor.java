package jvit.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A float32 tensor in a task graph: a name, a row-major shape and, for tensors that cross between
 * host and device, the off-heap host memory they are copied from and to. A tensor without host
 * memory lives only on the device (activations between tasks); the execution plan allocates it.
 * Tensors are compared by identity: two tasks share data when they name the same tensor.
 */
public final class Tensor {
    private final String name;
    private final long[] shape;
    private final long elements;
    private final MemorySegment host;

    private Tensor(String name, MemorySegment host, long[] shape) {
        long n = 1;
        for (long s : shape) {
            if (s <= 0) throw new IllegalArgumentException("tensor " + name + " has a non-positive dimension: " + Arrays.toString(shape));
            n = Math.multiplyExact(n, s);
        }
        if (host != null && host.byteSize() < 4 * n)
            throw new IllegalArgumentException("tensor " + name + " " + Arrays.toString(shape) + " needs " + 4 * n
                    + " bytes, its memory has " + host.byteSize());
        this.name = name;
        this.shape = shape.clone();
        this.elements = n;
        this.host = host;
    }

    /** A tensor over existing host memory (a memory-mapped weight, an input filled by the caller). */
    public static Tensor of(String name, MemorySegment host, long... shape) {
        return new Tensor(name, host, shape);
    }

    /** A tensor with fresh, zeroed host memory from {@code arena}. */
    public static Tensor allocate(String name, Arena arena, long... shape) {
        long n = 1;
        for (long s : shape) n = Math.multiplyExact(n, Math.max(s, 1));
        return new Tensor(name, arena.allocate(4 * n, 64), shape);
    }

    /** A tensor that lives only on the device, such as an activation between two tasks. */
    public static Tensor onDevice(String name, long... shape) {
        return new Tensor(name, null, shape);
    }

    public String name() { return name; }

    public long[] shape() { return shape.clone(); }

    public long elements() { return elements; }

    public long bytes() { return 4 * elements; }

    public boolean hasHost() { return host != null; }

    /** The host memory; fails for a device-only tensor. */
    public MemorySegment host() {
        if (host == null) throw new IllegalStateException("tensor " + name + " lives only on the device");
        return host;
    }

    @Override
    public String toString() { return name + Arrays.toString(shape); }
}
