package jvit.vit.cli;

import java.nio.file.Path;
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

    /** Fails on a contradictory choice; commands call it before any slow work. */
    void validate() {
        if (model != null && (weights != null || config != null))
            throw new ParameterException(spec.commandLine(), "give either --model or --weights with --config, not both");
        if ((weights == null) != (config == null))
            throw new ParameterException(spec.commandLine(), "--weights and --config go together");
    }

    ViTModel open() {
        validate();
        if (weights != null) return ViTModel.open(weights, config);
        return ViTModel.openDirectory(model != null ? ModelLocation.resolve(model) : DefaultModel.find().directory());
    }
}
