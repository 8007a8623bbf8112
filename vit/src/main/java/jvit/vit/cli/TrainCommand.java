package jvit.vit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import jvit.runtime.Device;
import jvit.runtime.UserError;
import jvit.runtime.schedule.Deployment;
import jvit.vit.ModelConfigs;
import jvit.vit.ViTConfig;
import jvit.vit.data.Augmentation;
import jvit.vit.data.Dataset;
import jvit.vit.data.FashionMnist;
import jvit.vit.data.TrainingBatches;
import jvit.vit.image.Preprocessing;
import jvit.vit.train.ModelFiles;
import jvit.vit.train.OutputDirectory;
import jvit.vit.train.Progress;
import jvit.vit.train.TrainSettings;
import jvit.vit.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vit train}: trains a ViT on Fashion-MNIST. The defaults are the recipe of the shipped
 * default model (see README); every figure can be changed.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a ViT on Fashion-MNIST, with checkpoints, a metrics log and a chart in --out.")
final class TrainCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", required = true, description = "The dataset: fashion-mnist.")
    String dataset;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where its IDX files are (default: Debian's dataset-fashion-mnist, /usr/share/datasets/fashion-mnist).")
    Path dataDir;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the model, checkpoints, metrics.jsonl and training.png.")
    Path out;
    @Option(names = "--resume", description = "Continue from the checkpoint in --out, with the same options.")
    boolean resume;
    @Option(names = "--device", defaultValue = "java", description = "Device id from `vit devices` (default ${DEFAULT-VALUE}).")
    String device;
    @Option(names = "--devices", split = ",", paramLabel = "A,B", description = "Several devices, spread by --schedule.")
    List<String> devices;
    @Option(names = "--schedule", paramLabel = "S", description = "single; data-parallel: the batch split over --devices in proportion"
            + " to their profiled speed, gradients summed, one update; or pipeline: the encoder layers split so, micro-batches forward"
            + " and backward through them, gradients summed, one update (default single for one device, data-parallel for several).")
    String schedule;

    @Option(names = "--config", paramLabel = "FILE", description = "The model's shape from a config.json instead of the options below."
            + " A DeiT distilled model trains both heads on the label, their logits averaged (timm without a teacher).")
    Path config;
    @Option(names = "--patch", defaultValue = "4", description = "Patch size (default ${DEFAULT-VALUE}).")
    int patch;
    @Option(names = "--hidden", defaultValue = "96", description = "Token width (default ${DEFAULT-VALUE}).")
    int hidden;
    @Option(names = "--layers", defaultValue = "6", description = "Encoder blocks (default ${DEFAULT-VALUE}).")
    int layers;
    @Option(names = "--heads", defaultValue = "3", description = "Attention heads (default ${DEFAULT-VALUE}).")
    int heads;
    @Option(names = "--mlp", defaultValue = "192", description = "MLP width (default ${DEFAULT-VALUE}).")
    int mlp;

    @Option(names = "--epochs", defaultValue = "30", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--batch", defaultValue = "128", description = "Images per step (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--lr", defaultValue = "2e-3", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
    double lr;
    @Option(names = "--min-lr", defaultValue = "1e-5", description = "Learning rate at the end of the cosine (default ${DEFAULT-VALUE}).")
    double minLr;
    @Option(names = "--warmup-epochs", defaultValue = "2", description = "Epochs of linear warm-up (default ${DEFAULT-VALUE}).")
    double warmupEpochs;
    @Option(names = "--weight-decay", defaultValue = "0.05", description = "AdamW weight decay on weight matrices (default ${DEFAULT-VALUE}).")
    double weightDecay;
    @Option(names = "--label-smoothing", defaultValue = "0.1", description = "Label smoothing (default ${DEFAULT-VALUE}).")
    double labelSmoothing;
    @Option(names = "--clip-norm", defaultValue = "1.0", description = "Largest global gradient norm, 0 for none (default ${DEFAULT-VALUE}).")
    double clipNorm;
    @Option(names = "--crop-padding", defaultValue = "0",
            description = "Random-crop padding in pixels, 0 for none (default ${DEFAULT-VALUE}; the default model used 1 over 56 epochs).")
    int cropPadding;
    @Option(names = "--no-flip", description = "No random horizontal flips.")
    boolean noFlip;
    @Option(names = "--validation", defaultValue = "5000", description = "Training images held out for validation (default ${DEFAULT-VALUE}).")
    int validation;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of the weights, data order and augmentation (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--checkpoint-every", defaultValue = "200", description = "Steps between checkpoints (default ${DEFAULT-VALUE}; also one per epoch).")
    int checkpointEvery;

    @Override
    public void run() {
        if (!dataset.equals("fashion-mnist"))
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--dataset must be fashion-mnist, not " + dataset);
        Checks.positive(spec, "--epochs", epochs, "--batch", batch, "--checkpoint-every", checkpointEvery);
        Checks.nonNegative(spec, "--validation", validation);
        Checks.nonNegative(spec, "--crop-padding", cropPadding);
        // Refused before the data is read: a file in the way, or another training writing there (the trainer holds the lock for the run).
        OutputDirectory.open(out).close();
        ViTConfig model = config != null ? ModelConfigs.read(config) : recipeModel(patch, hidden, layers, heads, mlp);
        if (model.channels() != 1 || model.imageSize() != 28 || model.numLabels() != 10)
            throw new UserError((config != null ? config + ": " : "") + "Fashion-MNIST needs a model of 28×28 images, 1 channel and 10 classes, not "
                    + model.imageSize() + "×" + model.imageSize() + ", " + model.channels() + " channel(s) and " + model.numLabels() + " classes");
        ModelFiles.config(model); // a model no library's config describes is refused before the data is read, not after training
        Deployment d = DeploymentArguments.parse(spec, device, devices, schedule, DeploymentArguments.Use.TRAINING, UnaryOperator.identity(), null);

        Path dir = dataDir != null ? dataDir : FashionMnist.DEFAULT_DIRECTORY;
        Dataset all = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        if (validation >= all.count()) throw new UserError("--validation " + validation + " leaves no training images of " + all.count());
        Dataset.TrainValidation split = all.split(validation, seed);
        if (split.train().count() < batch)
            throw new UserError("--batch " + batch + " is larger than the " + split.train().count() + " training images");
        var batches = new TrainingBatches(split.train(), model.preprocessing(), batch, new Augmentation(cropPadding, !noFlip), seed);
        int warmupSteps = (int) Math.round(warmupEpochs * batches.perEpoch());
        TrainSettings settings;
        try {
            settings = new TrainSettings(epochs, batch, lr, minLr, warmupSteps, weightDecay, 0.9, 0.999, 1e-8, clipNorm,
                    labelSmoothing, cropPadding, !noFlip, validation, seed, checkpointEvery);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter log = spec.commandLine().getOut();
        log.printf("training %s on %s: %,d parameters, %d training and %d validation images, %d steps of %d%n",
                describe(model), d.devices().stream().map(Device::id).collect(Collectors.joining(", ")) + (d.devices().size() > 1
                        ? " (" + d.schedule().id() + ")" : ""), model.parameters(), split.train().count(), split.validation().count(),
                (long) batches.perEpoch() * epochs, batch);
        log.flush();
        var progress = new Progress(spec.commandLine().getErr(), System.console() != null);
        new Trainer(model, settings, d, out, log, progress).run(batches, split.validation(), resume);
        log.println("wrote " + out.resolve("model.safetensors") + " and its config; metrics in " + out.resolve("metrics.jsonl"));
    }

    /** The default model's shape: the recipe's options at their defaults. */
    static ViTConfig recipeModel() {
        var defaults = new TrainCommand();
        new picocli.CommandLine(defaults).parseArgs("--dataset", "fashion-mnist", "--out", ".");
        return recipeModel(defaults.patch, defaults.hidden, defaults.layers, defaults.heads, defaults.mlp);
    }

    private static ViTConfig recipeModel(int patch, int hidden, int layers, int heads, int mlp) {
        try {
            float[] mean = {0.2860f}, std = {0.3530f}; // Fashion-MNIST's training-set statistics
            return ViTConfig.builder().imageSize(28).patchSize(patch).channels(1).hidden(hidden).layers(layers).heads(heads)
                    .mlpDim(mlp).layerNormEps(1e-6).qkvBias(true).labels(FashionMnist.CLASSES)
                    .preprocessing(new Preprocessing(28, 1.0, Preprocessing.Interpolation.BILINEAR, mean, std)).build();
        } catch (IllegalArgumentException e) {
            throw new UserError("the model's shape is not valid: " + e.getMessage());
        }
    }

    private static String describe(ViTConfig c) {
        return String.format("ViT (patch %d, hidden %d, %d layers, %d heads, MLP %d)", c.patchSize(), c.hidden(), c.layers(), c.heads(), c.mlpDim());
    }
}
