package jvit.vit.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Tensor;
import jvit.vit.ViTConfig;
import jvit.vit.ViTPresets;
import jvit.vit.model.ForwardGraph;
import jvit.vit.model.ViTModel;
import jvit.vit.model.ViTWeights;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Which programs a {@code vit kernels} command is about: those a model's forward pass needs on an
 * OpenCL device (whose limits choose them), for every batch up to {@code --batch}, since the last
 * batch of a run may be smaller than the others.
 */
final class ForwardProgramsOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--device", required = true, paramLabel = "opencl:N", description = "The OpenCL device the programs are for (see `vit devices`).")
    String device;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "A preset's shapes instead of a model: vit_{tiny,small,base,large}_patch{16,32}_{224,384}.")
    String preset;

    @Option(names = "--batch", defaultValue = "8", description = "The largest batch the programs will run (default ${DEFAULT-VALUE}).")
    int batch;

    /** Fails on a contradictory choice; commands call it before any slow work. */
    void validate() {
        modelOptions.validate();
        Checks.positive(spec, "--batch", batch);
        if (preset != null && (modelOptions.model != null || modelOptions.weights != null))
            throw new ParameterException(spec.commandLine(), "give either --preset or a model (--model, or --weights with --config), not both");
    }

    /** The files the model is read from (none for a preset). */
    List<Path> inputFiles() {
        return preset != null ? List.of() : modelOptions.files();
    }

    Device device() {
        return Devices.get(device);
    }

    /** Records the forward graphs for batches 1 to {@code --batch} and hands them to {@code use} while the model is open. */
    <T> T withGraphs(Function<List<ImmutableTaskGraph>, T> use) {
        try (Arena arena = Arena.ofConfined()) {
            if (preset != null) return use.apply(graphs(ViTWeights.zeros(ViTPresets.get(preset), arena), arena));
            try (ViTModel model = modelOptions.open()) {
                return use.apply(graphs(model.weights(), arena));
            }
        }
    }

    private List<ImmutableTaskGraph> graphs(ViTWeights weights, Arena arena) {
        ViTConfig c = weights.config();
        int size = c.imageSize();
        // Memory for the largest batch; the smaller batches' tensors are views of it.
        MemorySegment images = arena.allocate(4L * batch * c.channels() * size * size, 64);
        MemorySegment logits = arena.allocate(4L * batch * c.numLabels(), 64);
        List<ImmutableTaskGraph> graphs = new ArrayList<>();
        for (int b = 1; b <= batch; b++)
            graphs.add(ForwardGraph.record(weights, Tensor.of("images", images, b, c.channels(), size, size),
                    Tensor.of("logits", logits, b, c.numLabels())));
        return graphs;
    }
}
