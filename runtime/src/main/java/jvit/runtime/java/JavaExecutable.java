package jvit.runtime.java;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import jvit.kernels.cpu.CpuKernels;
import jvit.runtime.ExecutionResult;
import jvit.runtime.ExecutionResult.TaskTime;
import jvit.runtime.Executable;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Step;
import jvit.runtime.Task;
import jvit.runtime.Tensor;

/**
 * A graph on the Java device. Host tensors are used in place (copies are no-ops: device memory is
 * host memory, so a memory-mapped weight is read where it lies); device-only tensors get memory
 * from the executable's arena.
 */
final class JavaExecutable implements Executable {
    private final ImmutableTaskGraph graph;
    private final Arena arena = Arena.ofShared();
    private final Map<Tensor, MemorySegment> memory = new IdentityHashMap<>();
    private final List<Launch> launches = new ArrayList<>();

    private record Launch(Task task, MemorySegment[] args) {}

    JavaExecutable(ImmutableTaskGraph graph) {
        this.graph = graph;
        for (Tensor t : graph.tensors())
            memory.put(t, t.hasHost() ? t.host() : arena.allocate(t.bytes(), 64));
        for (Step step : graph.steps())
            if (step instanceof Step.Launch l)
                launches.add(new Launch(l.task(), l.task().args().stream().map(memory::get).toArray(MemorySegment[]::new)));
    }

    public ExecutionResult execute(boolean profile) {
        List<TaskTime> times = profile ? new ArrayList<>(launches.size()) : List.of();
        long start = System.nanoTime();
        for (Launch l : launches) {
            long t0 = profile ? System.nanoTime() : 0;
            CpuKernels.run(l.task().op(), l.args());
            if (profile) times.add(new TaskTime(l.task().name(), l.task().op().name(), System.nanoTime() - t0));
        }
        return new ExecutionResult(System.nanoTime() - start, times);
    }

    public void copyToHost(Tensor tensor) {
        if (!memory.containsKey(tensor)) throw new IllegalArgumentException(tensor + " is not a tensor of graph " + graph.name());
        // Device memory is host memory: a host tensor is already up to date.
    }

    public void close() {
        arena.close();
    }

    @Override
    public String toString() { return "java:" + graph.name(); }
}
