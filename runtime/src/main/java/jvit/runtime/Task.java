package jvit.runtime;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import jvit.kernels.Op;

/** One operator applied to tensors, outputs first (see {@link Op}). */
public record Task(String name, Op op, List<Tensor> args) {
    public Task {
        args = List.copyOf(args);
        long[] expected = op.argElements();
        if (args.size() != expected.length)
            throw new IllegalArgumentException("task " + name + ": " + op.name() + " takes " + expected.length
                    + " tensors, got " + args.size());
        for (int i = 0; i < expected.length; i++)
            if (args.get(i).elements() != expected[i])
                throw new IllegalArgumentException("task " + name + ": argument " + i + " of " + op + " must hold "
                        + expected[i] + " elements, " + args.get(i) + " holds " + args.get(i).elements());
        if (op instanceof Op.Matmul m && m.accumulate() && args.getLast() != args.getFirst())
            throw new IllegalArgumentException("task " + name + ": a matmul that adds to C reads C as its last argument, got "
                    + args.getLast() + " for " + args.getFirst());
    }

    public List<Tensor> outputs() { return args.subList(0, op.outputs()); }

    public List<Tensor> inputs() { return args.subList(op.outputs(), args.size()); }

    /** The indices of the arguments that are among {@code tensors}. */
    public Set<Integer> argIndices(Set<Tensor> tensors) {
        Set<Integer> indices = new TreeSet<>();
        for (int i = 0; i < args.size(); i++) if (tensors.contains(args.get(i))) indices.add(i);
        return indices;
    }
}
