package jvit.vit.cli;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.stream.Collectors;
import jvit.runtime.Device;
import jvit.runtime.schedule.Deployment;
import jvit.vit.ViTConfig;
import jvit.vit.io.FloatTensor;
import jvit.vit.io.Npy;
import jvit.vit.model.Inference;
import jvit.vit.model.ViTModel;
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

    @Option(names = "--output", required = true, paramLabel = "Y.npy", description = "Where to write the logits, [N, classes].")
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
        try (ViTModel model = modelOptions.open(); Arena arena = Arena.ofShared()) {
            ViTConfig c = model.config();
            FloatTensor x = Npy.read(input, arena);
            long[] s = x.shape();
            int size = c.imageSize();
            boolean single = s.length == 3;
            if (single) Npy.requireShape(input, s, c.channels(), size, size);
            else Npy.requireShape(input, s, -1, c.channels(), size, size);
            int n = single ? 1 : Math.toIntExact(s[0]);
            MemorySegment logits = arena.allocate(4L * n * c.numLabels(), 64);
            int per = Math.min(batch, n);
            Deployment d = placement.deployment(device, kernelBinary, model.weights(), per);
            Inference full = model.inference(d, per), rest = n % per == 0 ? null : model.inference(d, n % per);
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
            Npy.write(output, new FloatTensor(new long[] {n, c.numLabels()}, logits));
            PrintWriter out = spec.commandLine().getOut();
            out.println("wrote " + output + " (" + n + " x " + c.numLabels() + " logits) on " + d.devices().stream().map(Device::id).collect(Collectors.joining(", ")));
        }
    }
}
