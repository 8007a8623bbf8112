package jvit.kernels.tornado;

import java.util.List;

/**
 * How one catalogue operator runs on a TornadoVM device: its tasks, to be added to the graph in this
 * order, and the scratch arrays they share (partial sums, packed panels, columns of an image).
 * Scratch is device memory only: the graph declares it once ({@code transferToDevice(FIRST_EXECUTION, scratch)})
 * and never copies it back; a plan that runs the graph many times reuses it.
 */
public record TornadoLaunch(List<TornadoTask> tasks, List<Object> scratch) {
    public TornadoLaunch {
        tasks = List.copyOf(tasks);
        scratch = List.copyOf(scratch);
    }

    static TornadoLaunch of(TornadoTask... tasks) {
        return new TornadoLaunch(List.of(tasks), List.of());
    }
}
