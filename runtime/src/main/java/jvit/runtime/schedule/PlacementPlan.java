package jvit.runtime.schedule;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.ExecutionResult;
import jvit.runtime.ExecutionResult.TaskTime;
import jvit.runtime.Releases;
import jvit.runtime.Tensor;

/**
 * Runs a {@link Placement}: each stage's graph loaded on its device by an {@link ExecutionPlan}.
 * One run goes through the stages in order; micro-batches go through as a wavefront (at tick t,
 * stage s runs micro-batch t − s, every busy stage at once on its own thread), the crossing tensors
 * handed on between ticks. A tensor crossing to a stage further on than the next waits in a ring
 * of host copies, one for each micro-batch between the two.
 */
public final class PlacementPlan implements AutoCloseable {
    /** Told that {@code stage} has run {@code microBatch}: what the stage copied out is that micro-batch's until its next tick. */
    @FunctionalInterface
    public interface StageDone {
        void ran(int stage, int microBatch);
    }

    private final Placement placement;
    private final List<ExecutionPlan> plans = new ArrayList<>();
    private final Map<Placement.Transfer, MemorySegment[]> rings = new IdentityHashMap<>();
    private final Arena ringArena = Arena.ofShared();
    private final Releases releases = new Releases();
    private ExecutorService threads;

    public PlacementPlan(Placement placement) {
        this.placement = placement;
        releases.add(ringArena::close);
        try {
            for (Placement.Stage stage : placement.stages()) {
                ExecutionPlan plan;
                try {
                    plan = new ExecutionPlan(stage.graph(), stage.device());
                } catch (RuntimeException e) {
                    throw e instanceof jvit.runtime.UserError ? e : new DeviceFailure(stage.device(), 0, e);
                }
                plans.add(plan);
                releases.add(plan::close);
            }
            for (Placement.Transfer t : placement.transfers()) {
                if (t.to() == t.from() + 1) continue;
                MemorySegment[] ring = new MemorySegment[t.to() - t.from()];
                for (int i = 0; i < ring.length; i++) ring[i] = ringArena.allocate(t.source().bytes(), 64);
                rings.put(t, ring);
            }
        } catch (RuntimeException e) {
            releases.close();
            throw e;
        }
    }

    public Placement placement() { return placement; }

    /** Runs the whole graph once. */
    public ExecutionResult execute(boolean profile) {
        return execute(1, i -> {}, i -> {}, profile);
    }

    /**
     * Runs {@code microBatches} through the stages. {@code before.accept(i)} fills micro-batch i's
     * inputs just before the first stage takes it; {@code after.accept(i)} reads its results once
     * the last stage is done with it. A device that fails stops the run with a {@link DeviceFailure}
     * after the stages busy at the time have finished.
     */
    public ExecutionResult execute(int microBatches, IntConsumer before, IntConsumer after, boolean profile) {
        int lastStage = plans.size() - 1;
        return executeByStage(microBatches, before, (stage, i) -> {
            if (stage == lastStage) after.accept(i);
        }, profile);
    }

    /** As {@link #execute(int, IntConsumer, IntConsumer, boolean)}, told as each stage runs each micro-batch: for results of any stage. */
    public ExecutionResult executeByStage(int microBatches, IntConsumer before, StageDone done, boolean profile) {
        int stages = plans.size();
        if (microBatches > 1 && stages > 1 && !placement.pipelinable())
            throw new IllegalArgumentException("this placement cannot take micro-batches: a stage after the first copies in an input of every run");
        List<TaskTime> times = new ArrayList<>();
        long start = System.nanoTime();
        int completed = 0;
        for (int tick = 0; tick < microBatches + stages - 1; tick++) {
            int first = Math.max(0, tick - microBatches + 1), last = Math.min(stages - 1, tick);
            if (first == 0) before.accept(tick);
            for (var ring : rings.entrySet()) {
                Placement.Transfer t = ring.getKey();
                if (t.to() >= first && t.to() <= last) copy(ring.getValue()[(tick - t.to()) % ring.getValue().length], t.target(), profile, times);
            }
            List<ExecutionResult> results = runStages(first, last, completed, profile);
            results.forEach(r -> times.addAll(r.taskTimes()));
            for (Placement.Transfer t : placement.transfers()) {
                if (t.from() < first || t.from() > last) continue;
                MemorySegment[] ring = rings.get(t);
                long t0 = System.nanoTime();
                if (ring == null) t.target().host().copyFrom(t.source().host());
                else ring[(tick - t.from()) % ring.length].copyFrom(t.source().host());
                if (profile) times.add(new TaskTime("transfer " + t.target().name(), "transfer", System.nanoTime() - t0));
            }
            for (int s = first; s <= last; s++) done.ran(s, tick - s);
            if (last == stages - 1) completed++;
        }
        return new ExecutionResult(System.nanoTime() - start, times);
    }

    /** A crossing tensor's host copy out of its ring, into the stage that reads it. */
    private static void copy(MemorySegment waiting, Tensor target, boolean profile, List<TaskTime> times) {
        long t0 = System.nanoTime();
        target.host().copyFrom(waiting);
        if (profile) times.add(new TaskTime("transfer " + target.name(), "transfer", System.nanoTime() - t0));
    }

    /** Runs stages {@code first..last} once each; in parallel when more than one. */
    private List<ExecutionResult> runStages(int first, int last, int completed, boolean profile) {
        if (first == last) {
            try {
                return List.of(plans.get(first).withProfiling(profile).execute());
            } catch (RuntimeException e) {
                throw new DeviceFailure(placement.stages().get(first).device(), completed, e);
            }
        }
        List<Future<ExecutionResult>> running = new ArrayList<>();
        for (int s = first; s <= last; s++) {
            ExecutionPlan plan = plans.get(s);
            running.add(threads().submit(() -> plan.withProfiling(profile).execute()));
        }
        List<ExecutionResult> results = new ArrayList<>();
        DeviceFailure failure = null;
        for (int s = first; s <= last; s++) {
            try {
                results.add(running.get(s - first).get());
            } catch (ExecutionException e) {
                if (failure == null) failure = new DeviceFailure(placement.stages().get(s).device(), completed, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stage " + s + " ran", e);
            }
        }
        if (failure != null) throw failure;
        return results;
    }

    private ExecutorService threads() {
        if (threads == null) {
            // Platform threads outside any fork-join pool: the CPU kernels split their loops over all cores only then.
            threads = Executors.newFixedThreadPool(plans.size(), r -> {
                Thread t = new Thread(r, "jvit-stage");
                t.setDaemon(true);
                return t;
            });
            releases.add(threads::shutdownNow);
        }
        return threads;
    }

    @Override
    public void close() {
        releases.close();
    }
}
