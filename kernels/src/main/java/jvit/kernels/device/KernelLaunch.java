package jvit.kernels.device;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How a device runs one operator: which kernel of which program, over which grid, with which
 * arguments. Sizes count threads (work-items), as OpenCL does: {@code global[d]} is a multiple
 * of {@code local[d]}, and a CUDA grid is {@code global[d] / local[d]} blocks of {@code local}.
 * A launch {@code once} runs on a graph's first execution only: it fills the task's
 * {@link KernelArg.Kept} buffers from tensors that do not change between executions.
 */
public record KernelLaunch(KernelProgram program, String kernel, long[] global, long[] local, List<KernelArg> args, boolean once) {
    public KernelLaunch(KernelProgram program, String kernel, long[] global, long[] local, List<KernelArg> args) {
        this(program, kernel, global, local, args, false);
    }

    public KernelLaunch {
        if (global.length != local.length || global.length < 1 || global.length > 3)
            throw new IllegalArgumentException("a launch has 1 to 3 dimensions, with a local size for each");
        for (int d = 0; d < global.length; d++)
            if (local[d] <= 0 || global[d] <= 0 || global[d] % local[d] != 0)
                throw new IllegalArgumentException("global size " + Arrays.toString(global)
                        + " is not a positive multiple of local size " + Arrays.toString(local));
        global = global.clone();
        local = local.clone();
        args = List.copyOf(args);
    }

    public int dimensions() { return global.length; }

    /** The scratch buffers these launches use: for each index, the most floats any of them needs. */
    public static SortedMap<Integer, Long> scratchFloats(Collection<KernelLaunch> launches) {
        return mostFloats(launches, KernelArg.Scratch.class);
    }

    /** The kept buffers of one task's launches: for each index, the most floats any of them needs. */
    public static SortedMap<Integer, Long> keptFloats(Collection<KernelLaunch> launches) {
        return mostFloats(launches, KernelArg.Kept.class);
    }

    private static SortedMap<Integer, Long> mostFloats(Collection<KernelLaunch> launches, Class<? extends KernelArg.Buffer> kind) {
        SortedMap<Integer, Long> floats = new TreeMap<>();
        for (KernelLaunch launch : launches)
            for (KernelArg arg : launch.args)
                if (kind.isInstance(arg) && arg instanceof KernelArg.Buffer b) floats.merge(b.index(), b.floats(), Math::max);
        return floats;
    }

    /** Threads in one work-group (CUDA block). */
    public long groupSize() { return Arrays.stream(local).reduce(1, (a, b) -> a * b); }

    @Override
    public long[] global() { return global.clone(); }

    @Override
    public long[] local() { return local.clone(); }

    @Override
    public String toString() {
        return kernel + " (" + program.file() + " " + program.defines() + ") global " + Arrays.toString(global)
                + " local " + Arrays.toString(local) + (once ? " once" : "");
    }
}
