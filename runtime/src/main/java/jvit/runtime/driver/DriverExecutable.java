package jvit.runtime.driver;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jvit.kernels.device.KernelLaunch;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Executable;
import jvit.runtime.ExecutionResult;
import jvit.runtime.ExecutionResult.TaskTime;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Step;
import jvit.runtime.Task;
import jvit.runtime.Tensor;

/**
 * A graph loaded on a device through its {@link DeviceDriver}: one device buffer per tensor, and per
 * scratch index for the operators that pass partial results between their launches; each launch's
 * kernel and arguments prepared once, and the steps as commands queued in order.
 * {@code FIRST_EXECUTION} copies run on the first execution only, so weights stay resident, and so
 * do the launches that pack them once into a task's kept buffers ({@link KernelLaunch#once()});
 * everything else runs every time, and an execution waits for the queue to drain.
 *
 * @param <B> the driver's device buffer
 * @param <C> the driver's queued command
 */
public final class DriverExecutable<B, C> implements Executable {
    private final String deviceId;
    private final ImmutableTaskGraph graph;
    private final DeviceDriver<B, C> driver;
    private final List<Command<C>> commands = new ArrayList<>();
    private final Map<Tensor, B> buffers = new IdentityHashMap<>();
    private boolean executed;
    private boolean closed;

    /** One queued operation: a copy or a launch, named for the profile; the commands of one step share its index. */
    private record Command<C>(int step, String name, String kind, boolean firstExecutionOnly, C command) {}

    /** Loads {@code graph} through {@code driver}; on failure, closes the driver and rethrows (see {@link DeviceDriver#userFacing}). */
    public DriverExecutable(String deviceId, ImmutableTaskGraph graph, DeviceDriver<B, C> driver) {
        this.deviceId = deviceId;
        this.graph = graph;
        this.driver = driver;
        try {
            driver.open();
            for (Tensor t : graph.tensors()) buffers.put(t, driver.allocate(t.bytes()));
            Map<Task, List<KernelLaunch>> launches = new IdentityHashMap<>();
            Set<Tensor> constants = graph.constants();
            for (Task task : graph.tasks()) launches.put(task, driver.kernels(task, task.argIndices(constants)));
            Map<Integer, B> scratch = new HashMap<>();
            KernelLaunch.scratchFloats(launches.values().stream().flatMap(List::stream).toList())
                    .forEach((index, floats) -> scratch.put(index, driver.allocate(4 * floats)));
            List<Step> steps = graph.steps();
            for (int s = 0; s < steps.size(); s++) {
                switch (steps.get(s)) {
                    case Step.CopyIn in -> commands.add(new Command<>(s, in.tensor().name(), "copy_in",
                            in.mode() == DataTransferMode.FIRST_EXECUTION,
                            driver.copyIn(buffers.get(in.tensor()), host(in.tensor()), in.tensor().bytes())));
                    case Step.CopyOut out -> commands.add(new Command<>(s, out.tensor().name(), "copy_out",
                            out.mode() == DataTransferMode.FIRST_EXECUTION,
                            driver.copyOut(buffers.get(out.tensor()), host(out.tensor()), out.tensor().bytes())));
                    case Step.Launch l -> {
                        Task task = l.task();
                        List<B> args = task.args().stream().map(buffers::get).toList();
                        List<KernelLaunch> taskLaunches = launches.get(task);
                        Map<Integer, B> kept = new HashMap<>();
                        KernelLaunch.keptFloats(taskLaunches).forEach((index, floats) -> kept.put(index, driver.allocate(4 * floats)));
                        List<C> taskCommands = driver.commands(task, taskLaunches, args, scratch, kept);
                        for (int i = 0; i < taskCommands.size(); i++) {
                            boolean once = i < taskLaunches.size() && taskLaunches.get(i).once();
                            commands.add(new Command<>(s, task.name(), task.op().name(), once, taskCommands.get(i)));
                        }
                    }
                }
            }
            driver.prepareTimers(commands.size());
        } catch (RuntimeException e) {
            close(e);
            throw driver.userFacing(e, "loading " + graph.name());
        } catch (Error e) {
            close(e);
            throw e;
        }
    }

    /** Host memory for a copy: the driver reads and writes it directly, so it must be off the Java heap. */
    private MemorySegment host(Tensor t) {
        MemorySegment host = t.host();
        if (!host.isNative())
            throw new IllegalArgumentException("tensor " + t + " is on the Java heap; " + driver.name()
                    + " copies need off-heap memory (Tensor.allocate)");
        return host;
    }

    public ExecutionResult execute(boolean profile) {
        if (closed) throw new IllegalStateException("graph " + graph.name() + " was closed");
        long start = System.nanoTime();
        List<Command<C>> queued = new ArrayList<>(commands.size());
        try {
            driver.begin(profile);
            for (Command<C> c : commands) {
                if (executed && c.firstExecutionOnly()) continue;
                driver.enqueue(c.command(), queued.size(), profile);
                queued.add(c);
            }
            driver.finish();
            executed = true;
            return new ExecutionResult(System.nanoTime() - start, profile ? times(queued) : List.of());
        } catch (RuntimeException e) {
            try {
                driver.finish(); // the commands already queued still use host memory
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw driver.userFacing(e, "running " + graph.name());
        } finally {
            if (profile) driver.endProfile(queued.size());
        }
    }

    public void copyToHost(Tensor tensor) {
        if (closed) throw new IllegalStateException("graph " + graph.name() + " was closed");
        B buffer = buffers.get(tensor);
        if (buffer == null) throw new IllegalArgumentException(tensor + " is not a tensor of graph " + graph.name());
        if (!executed) return; // nothing was copied to the device yet: the host holds the values
        try {
            driver.begin(false);
            driver.enqueue(driver.copyOut(buffer, host(tensor), tensor.bytes()), 0, false);
            driver.finish();
        } catch (RuntimeException e) {
            throw driver.userFacing(e, "copying " + tensor.name() + " to the host");
        }
    }

    /** Each step's time on the device, as the driver measured it: the sum of its commands' (a task's launches). */
    private List<TaskTime> times(List<Command<C>> queued) {
        List<TaskTime> times = new ArrayList<>(queued.size());
        for (int i = 0; i < queued.size(); ) {
            Command<C> first = queued.get(i);
            long nanos = 0;
            for (; i < queued.size() && queued.get(i).step() == first.step(); i++) nanos += driver.nanos(i);
            times.add(new TaskTime(first.name(), first.kind(), nanos));
        }
        return times;
    }

    public void close() {
        close(null);
    }

    /** Releases everything once; after a failed load, adds release failures to that failure. */
    private void close(Throwable failure) {
        if (closed) return;
        closed = true;
        try {
            driver.close();
        } catch (RuntimeException e) {
            if (failure == null) throw e;
            failure.addSuppressed(e);
        }
    }

    @Override
    public String toString() { return deviceId + ":" + graph.name(); }
}
