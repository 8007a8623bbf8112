package jvit.vit.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import jvit.vit.DefaultModel;
import jvit.vit.hub.ModelLocation;
import jvit.vit.model.ViTModel;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Which model a command runs: {@code --model DIR}, or {@code --weights F --config F}, or the default model. */
final class ModelOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR|ORG/NAME[@REV]", description = {
            "A model directory (config.json + model.safetensors, or its shards with model.safetensors.index.json),"
                    + " or a model on the Hugging Face Hub, downloaded into its cache (HF_HUB_CACHE; HF_ENDPOINT, HF_TOKEN,"
                    + " HF_HUB_OFFLINE are honoured). A directory of that name wins over a Hub id. Default: the bundled model."})
    Path model;

    @Option(names = "--weights", paramLabel = "FILE", description = "A safetensors checkpoint (Hugging Face or timm names), or a sharded one's model.safetensors.index.json; needs --config.")
    Path weights;

    @Option(names = "--config", paramLabel = "FILE", description = "Its config.json (Hugging Face or timm); needs --weights.")
    Path config;

    @Option(names = "--ignore-tensors", split = ",", paramLabel = "NAME,...",
            description = "Tensors of the checkpoint to leave unused (a second head, say); jvit refuses any other it does not use.")
    List<String> ignoredTensors = List.of();

    /** Fails on a contradictory choice; commands call it before any slow work. */
    void validate() {
        if (model != null && (weights != null || config != null))
            throw new ParameterException(spec.commandLine(), "give either --model or --weights with --config, not both");
        if ((weights == null) != (config == null))
            throw new ParameterException(spec.commandLine(), "--weights and --config go together");
    }

    /** The files the model is read from, for {@link Checks#notAnInput}. */
    List<Path> files() {
        if (weights != null) return List.of(weights, config);
        return Checks.filesIn(model != null ? model : DefaultModel.find().directory());
    }

    ViTModel open() {
        validate();
        Set<String> ignored = Set.copyOf(ignoredTensors);
        if (weights != null) return ViTModel.open(weights, config, ignored);
        return ViTModel.openDirectory(model != null ? ModelLocation.resolve(model) : DefaultModel.find().directory(), ignored);
    }
}
