package jvit.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A checked, frozen task graph. Every tensor a task reads was copied in or written by an earlier
 * task; every tensor that crosses to or from the host has host memory. Backends see the whole
 * graph before it runs, so they can allocate, compile and place once.
 */
public final class ImmutableTaskGraph {
    private final String name;
    private final List<Step> steps;
    private final Set<Tensor> tensors;

    ImmutableTaskGraph(String name, List<Step> recorded) {
        this.name = name;
        this.steps = List.copyOf(recorded);
        Set<Tensor> defined = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Tensor> all = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Tensor> order = new ArrayList<>();
        for (Step step : steps) {
            switch (step) {
                case Step.CopyIn in -> {
                    requireHost(in.tensor(), "copied to the device");
                    defined.add(in.tensor());
                }
                case Step.Launch launch -> {
                    for (Tensor t : launch.task().inputs())
                        if (!defined.contains(t))
                            throw new IllegalArgumentException("graph " + name + ": task " + launch.task().name()
                                    + " reads " + t + " before it is copied in or written");
                    defined.addAll(launch.task().outputs());
                }
                case Step.CopyOut out -> {
                    requireHost(out.tensor(), "copied to the host");
                    if (!defined.contains(out.tensor()))
                        throw new IllegalArgumentException("graph " + name + ": " + out.tensor() + " is copied to the host before it is written");
                }
            }
            for (Tensor t : tensorsOf(step)) if (all.add(t)) order.add(t);
        }
        this.tensors = Collections.unmodifiableSet(new LinkedHashSet<>(order));
    }

    private void requireHost(Tensor t, String what) {
        if (!t.hasHost()) throw new IllegalArgumentException("graph " + name + ": " + t + " is " + what + " but has no host memory");
    }

    private static List<Tensor> tensorsOf(Step step) {
        return switch (step) {
            case Step.CopyIn in -> List.of(in.tensor());
            case Step.Launch launch -> launch.task().args();
            case Step.CopyOut out -> List.of(out.tensor());
        };
    }

    public String name() { return name; }

    public List<Step> steps() { return steps; }

    /** Every tensor the graph uses, in order of first use (each once). */
    public Set<Tensor> tensors() { return tensors; }

    /**
     * The tensors that hold the same values on every execution: copied in on the first execution only
     * (weights), never on every one, and written by no task.
     */
    public Set<Tensor> constants() {
        Set<Tensor> constants = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Tensor> changing = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Step step : steps) {
            switch (step) {
                case Step.CopyIn in -> (in.mode() == DataTransferMode.FIRST_EXECUTION ? constants : changing).add(in.tensor());
                case Step.Launch launch -> changing.addAll(launch.task().outputs());
                case Step.CopyOut out -> {}
            }
        }
        constants.removeAll(changing);
        return constants;
    }

    /** The kernel launches, in order. */
    public List<Task> tasks() {
        return steps.stream().filter(s -> s instanceof Step.Launch).map(s -> ((Step.Launch) s).task()).toList();
    }
}
