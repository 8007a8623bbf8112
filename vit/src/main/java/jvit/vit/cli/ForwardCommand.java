package jvit.vit.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import jvit.runtime.Device;
import jvit.runtime.UserError;
import jvit.runtime.io.IoErrors;
import jvit.runtime.schedule.Deployment;
import jvit.vit.ViTConfig;
import jvit.vit.io.FiniteValues;
import jvit.vit.io.FloatTensor;
import jvit.vit.io.Npy;
import jvit.vit.model.Inference;
import jvit.vit.model.ViTModel;
import jvit.vit.model.ViTWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vit forward}: raw logits of a raw input tensor, .npy in and out, for comparison with NumPy or PyTorch. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Run the forward pass on an input tensor (.npy, [N, C, H, W] float32, already normalised) and write the logits (.npy, [N, classes]).")
final class ForwardCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "Input images, [N, C, H, W] or [C, H, W].")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "Y.npy", description = "Where to write the logits, [N, classes]; - for standard output.")
    Path output;

    @Option(names = "--device", defaultValue = "auto", description = "Device id from `vit devices` (default ${DEFAULT-VALUE}).")
    String device;

    @Mixin
    PlacementOptions placement;

    @Mixin
    KernelBinaryOption kernelBinary;

    @Option(names = "--batch", defaultValue = "8", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public void run() {
        modelOptions.validate();
        Checks.positive(spec, "--batch", batch);
        boolean toStdout = output.toString().equals("-");
        List<Path> inputs = new ArrayList<>(modelOptions.files());
        inputs.add(input);
        if (kernelBinary.file != null) inputs.add(kernelBinary.file);
        if (!toStdout) Checks.notAnInput("--output", output, inputs);
        try (ViTModel model = modelOptions.open(); Arena arena = Arena.ofShared()) {
            ViTConfig c = model.config();
            FloatTensor x = Npy.read(input, arena);
            long[] s = x.shape();
            boolean single = s.length == 3;
            int size = c.dynamicImageSize() ? inputSide(c, s, single) : c.imageSize();
            if (single) Npy.requireShape(input, s, c.channels(), size, size);
            else Npy.requireShape(input, s, -1, c.channels(), size, size);
            ViTWeights weights;
            try {
                weights = model.weights().withImageSize(size, arena);
            } catch (IllegalArgumentException tooLarge) { // more tokens than jvit holds
                throw UserError.inFile(input, tooLarge.getMessage() + "; give smaller images");
            }
            if (!single && s[0] == 0) throw UserError.inFile(input, "holds no images (shape (0, ...)); give at least one");
            int n = single ? 1 : Math.toIntExact(s[0]);
            MemorySegment logits = arena.allocate(4L * n * c.numLabels(), 64);
            int per = Math.min(batch, n);
            Deployment d = placement.deployment(device, kernelBinary, weights, per);
            Inference full = new Inference(weights, d, per), rest = n % per == 0 ? null : new Inference(weights, d, n % per);
            try {
                placement.explain(spec.commandLine().getOut(), full, d);
                for (int start = 0; start < n; start += per) {
                    Inference inf = start + per <= n ? full : rest;
                    long imageBytes = 4 * inf.imageElements();
                    MemorySegment.copy(x.data(), start * imageBytes, inf.images(), 0, inf.batch() * imageBytes);
                    inf.run(false);
                    long rowBytes = 4L * c.numLabels();
                    MemorySegment.copy(inf.logits(), 0, logits, start * rowBytes, inf.batch() * rowBytes);
                }
            } finally {
                full.close();
                if (rest != null) rest.close();
            }
            requireFinite(x.data(), logits, n, c.numLabels());
            FloatTensor result = new FloatTensor(new long[] {n, c.numLabels()}, logits);
            if (toStdout) {
                writeToStdout(result);
                return;
            }
            Npy.write(output, result);
            PrintWriter out = spec.commandLine().getOut();
            out.println("wrote " + output + " (" + n + " x " + c.numLabels() + " logits) on " + d.devices().stream().map(Device::id).collect(Collectors.joining(", ")));
        }
    }

    /**
     * The side of the input's images for a model with a dynamic image size (timm's {@code dynamic_img_size}),
     * whose position embeddings are resampled for it: square, a multiple of the patch size.
     */
    private int inputSide(ViTConfig c, long[] s, boolean single) {
        if (s.length != (single ? 3 : 4)) return c.imageSize(); // the shape check that follows names the problem
        long height = s[s.length - 2], width = s[s.length - 1];
        if (height != width)
            throw UserError.inFile(input, "holds " + height + "x" + width + " images; jvit runs a dynamic_img_size model on square"
                    + " images only (non-square ones are not implemented) — give square images");
        if (height < c.patchSize() || height % c.patchSize() != 0 || height > Integer.MAX_VALUE)
            throw UserError.inFile(input, "holds images of side " + height + ", not a multiple of the model's patch size "
                    + c.patchSize() + "; give images whose side is");
        return (int) height;
    }

    /** Refuses logits that are NaN or infinite, naming the first such sample and whether its input was to blame; nothing is written. */
    private void requireFinite(MemorySegment images, MemorySegment logits, int n, int classes) {
        long perImage = images.byteSize() / 4 / n;
        for (int i = 0; i < n; i++) {
            if (FiniteValues.allFinite(logits.asSlice(4L * i * classes, 4L * classes))) continue;
            boolean badInput = !FiniteValues.allFinite(images.asSlice(4 * perImage * i, 4 * perImage));
            throw UserError.inFile(input, "sample " + i + " gives non-finite logits (NaN or infinity)" + (badInput
                    ? " because its input holds NaN or infinite values; give finite inputs" : "; check the input's scale and the model")
                    + " (nothing was written)");
        }
    }

    /** {@code --output -}: the .npy bytes on standard output, which is left open. */
    private static void writeToStdout(FloatTensor result) {
        try {
            OutputStream stdout = new FileOutputStream(FileDescriptor.out);
            Npy.write(stdout, result);
            stdout.flush();
        } catch (IOException e) {
            throw new UserError("standard output: cannot write: " + IoErrors.describe(e));
        }
    }
}
