package jvit.runtime;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import jvit.kernels.Op;
import org.junit.jupiter.api.Assumptions;

/**
 * The devices the device suites run on, and running one operator there. Where a backend has no
 * device the calling test is skipped with the backend's reason, unless {@code JVIT_REQUIRE_<NAME>}
 * is set ({@code JVIT_REQUIRE_CUDA}: bench/gpu/run.sh sets it), when it fails.
 */
public final class TestDevices {
    private TestDevices() {}

    /** The backend named {@code name}, its devices present or not. */
    public static Backend backend(String name) {
        return find(name).orElseThrow(() -> new AssertionError("no backend " + name + " among " + Devices.backends()));
    }

    private static Optional<Backend> find(String name) {
        return Devices.backends().stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /**
     * The first device of backend {@code name}: {@code opencl:0}, {@code cuda:0}; skips (or fails, see
     * above) where the backend is not built in or has no device.
     */
    public static Device first(String name) {
        Optional<Backend> backend = find(name);
        Optional<String> unavailable = backend.isEmpty() ? Optional.of("no backend " + name + " is built in")
                : backend.get().unavailable();
        if (unavailable.isPresent()) {
            String required = "JVIT_REQUIRE_" + name.toUpperCase(Locale.ROOT);
            if (System.getenv(required) != null) fail(required + " is set but " + name + " is unavailable: " + unavailable.get());
            Assumptions.abort("no " + name + ": " + unavailable.get());
        }
        return backend.get().devices().getFirst();
    }

    /**
     * Runs {@code op} on {@code device} in a graph of its own with these arguments, outputs first, and
     * returns its outputs. An output given as null is copied in poisoned with NaN, so that an element
     * the kernel does not write fails the comparison; one given values (state updated in place, a sum
     * added to) starts from them.
     */
    public static double[][] outputs(Device device, Op op, double[]... args) {
        long[] sizes = op.argElements();
        try (Arena arena = Arena.ofShared()) {
            Tensor[] tensors = new Tensor[sizes.length];
            for (int i = 0; i < sizes.length; i++)
                tensors[i] = Tensor.of("arg" + i, args[i] == null ? poisoned(arena, sizes[i]) : segment(arena, args[i]), sizes[i]);
            Tensor[] outputs = Arrays.copyOf(tensors, op.outputs());
            var graph = new TaskGraph(op.name())
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, tensors)
                    .task(op.name(), op, tensors)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, outputs)
                    .snapshot();
            try (var plan = new ExecutionPlan(graph, device)) {
                plan.execute();
            }
            double[][] values = new double[op.outputs()][];
            for (int i = 0; i < values.length; i++) values[i] = toDoubles(outputs[i].host(), (int) sizes[i]);
            return values;
        }
    }

    /** Runs a one-output {@code op} on {@code device} from {@code inputs}, its output poisoned with NaN, and returns the output. */
    public static double[] run(Device device, Op op, double[]... inputs) {
        double[][] args = new double[inputs.length + 1][];
        System.arraycopy(inputs, 0, args, 1, inputs.length);
        return outputs(device, op, args)[0];
    }

    /**
     * Runs an operator that reads its output again as its last argument (a matmul adding to C) from {@code c} and
     * {@code inputs} (the arguments between), and returns the output.
     */
    public static double[] runAccumulating(Device device, Op op, double[] c, double[]... inputs) {
        long[] sizes = op.argElements();
        try (Arena arena = Arena.ofShared()) {
            Tensor[] tensors = new Tensor[sizes.length];
            tensors[0] = Tensor.of("c", segment(arena, c), sizes[0]);
            for (int i = 0; i < inputs.length; i++) tensors[i + 1] = Tensor.of("arg" + (i + 1), segment(arena, inputs[i]), sizes[i + 1]);
            tensors[sizes.length - 1] = tensors[0];
            var graph = new TaskGraph(op.name() + "_accumulating")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, Arrays.copyOf(tensors, sizes.length - 1))
                    .task(op.name(), op, tensors)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, tensors[0])
                    .snapshot();
            try (var plan = new ExecutionPlan(graph, device)) {
                plan.execute();
            }
            return toDoubles(tensors[0].host(), c.length);
        }
    }

    /** Runs an operator whose output may be its input ({@code out = op(out)}) in place. */
    public static double[] runInPlace(Device device, Op op, double[] x) {
        try (Arena arena = Arena.ofShared()) {
            Tensor t = Tensor.of("x", segment(arena, x), x.length);
            var graph = new TaskGraph(op.name() + "_in_place")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, t)
                    .task(op.name(), op, t, t)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, t)
                    .snapshot();
            try (var plan = new ExecutionPlan(graph, device)) {
                plan.execute();
            }
            return toDoubles(t.host(), x.length);
        }
    }
}
