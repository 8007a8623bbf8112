package jvit.vit.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import jvit.runtime.Device;

import jvit.vit.DefaultModel;
import jvit.vit.data.ConfusionMatrix;
import jvit.vit.data.Dataset;
import jvit.vit.data.Evaluation;
import jvit.vit.data.FashionMnist;
import jvit.vit.io.Json;
import jvit.vit.model.AutoDevice;
import jvit.vit.model.Inference;
import jvit.vit.model.ViTModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code vit eval}: a model's accuracy on a dataset split, with its confusion matrix, as text or one JSON object. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measure a model's accuracy on Fashion-MNIST: overall, per class, and the confusion matrix.")
final class EvalCommand implements Runnable {
    static final String FASHION_MNIST = "fashion-mnist";

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "The dataset: " + FASHION_MNIST + ".")
    String dataset;

    @Option(names = "--split", defaultValue = "test", converter = SplitName.class, paramLabel = "test|train",
            description = "Which part of the dataset (default ${DEFAULT-VALUE}).")
    FashionMnist.Split split;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the dataset's files are (default ${DEFAULT-VALUE}).")
    Path dataDir = FashionMnist.DEFAULT_DIRECTORY;

    @Option(names = "--device", defaultValue = "auto", description = "Device id from `vit devices` (default ${DEFAULT-VALUE}).")
    String device;

    @Mixin
    KernelBinaryOption kernelBinary;

    @Option(names = "--batch", defaultValue = "64", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate the first N images of the split only.")
    Integer limit;

    @Option(names = "--json", description = "Print one JSON object: {\"accuracy\", \"count\", \"correct\", \"classes\","
            + " \"confusion\" (rows: true class), \"per_class\": [{\"class\", \"count\", \"accuracy\"}], ...}.")
    boolean json;

    @Override
    public void run() {
        modelOptions.validate();
        Checks.positive(spec, "--batch", batch);
        if (limit != null) Checks.positive(spec, "--limit", limit);
        if (!dataset.equals(FASHION_MNIST))
            throw new ParameterException(spec.commandLine(), "--dataset " + dataset + " is not known; the dataset jvit evaluates on is " + FASHION_MNIST);
        DefaultModel defaults = modelOptions.model == null && modelOptions.weights == null ? DefaultModel.find() : null;
        Path modelPath = defaults != null ? defaults.directory() : modelOptions.model != null ? modelOptions.model : modelOptions.weights;
        try (ViTModel model = defaults != null ? ViTModel.openDirectory(defaults.directory()) : modelOptions.open()) {
            FashionMnist.requireFits(model.config(), modelPath.toString());
            Dataset all = FashionMnist.load(dataDir, split);
            Dataset data = limit == null || limit >= all.count() ? all : all.subset(IntStream.range(0, limit).toArray());
            Device d = kernelBinary.on(AutoDevice.resolve(device, model.weights(), Math.min(batch, data.count())));
            PrintWriter out = spec.commandLine().getOut();
            if (!json) {
                out.printf("model %s (%,d parameters) on %s (%s)%n", modelPath, model.config().parameters(), d.id(), d.name());
                if (defaults != null && !defaults.trained())
                    out.println("note: no trained model is bundled yet; this placeholder has random weights, so its accuracy is chance (about 10%)");
                out.printf("Fashion-MNIST %s split, %,d images from %s%n", split, data.count(), dataDir);
                out.flush();
            }
            ProgressLine progress = new ProgressLine(spec.commandLine().getErr(), data.count());
            ConfusionMatrix matrix;
            try (Inference inference = model.inference(d, Math.min(batch, data.count()))) {
                matrix = Evaluation.run(inference, data, progress);
            }
            progress.finish(d);
            out.print(json ? json(matrix, modelPath, d, split, progress.seconds()) + "\n" : "\n" + text(matrix, FashionMnist.CLASSES));
            out.flush();
        }
    }

    /** Accuracy, then the confusion matrix with each class's accuracy at the end of its row. */
    static String text(ConfusionMatrix m, List<String> names) {
        StringBuilder s = new StringBuilder();
        s.append(String.format("accuracy %.2f%% (%,d of %,d)%n%n", 100 * m.accuracy(), m.correct(), m.count()));
        s.append("confusion matrix: a row per true class, a column per predicted class\n");
        int nameWidth = names.stream().mapToInt(String::length).max().orElse(0);
        long largest = 0;
        for (int t = 0; t < m.classes(); t++) for (int p = 0; p < m.classes(); p++) largest = Math.max(largest, m.get(t, p));
        int cell = Math.max(4, Long.toString(largest).length());
        s.append(" ".repeat(nameWidth));
        for (String name : names) s.append("  ").append(String.format("%" + cell + "s", abbreviate(name, cell)));
        s.append("  accuracy\n");
        for (int t = 0; t < m.classes(); t++) {
            s.append(String.format("%-" + nameWidth + "s", names.get(t)));
            for (int p = 0; p < m.classes(); p++) s.append("  ").append(String.format("%" + cell + "d", m.get(t, p)));
            s.append(m.ofClass(t) == 0 ? String.format("  %8s%n", "-") : String.format("  %7.1f%%%n", 100 * m.accuracy(t)));
        }
        return s.toString();
    }

    /** The first {@code width} characters of a class name, so the matrix's columns stay narrow. */
    static String abbreviate(String name, int width) {
        return name.length() <= width ? name : name.substring(0, width);
    }

    static String json(ConfusionMatrix m, Path model, Device device, FashionMnist.Split split, double seconds) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model.toString());
        o.put("device", device.id());
        o.put("dataset", FASHION_MNIST);
        o.put("split", split.toString());
        o.put("count", m.count());
        o.put("correct", m.correct());
        o.put("accuracy", m.accuracy());
        o.put("classes", FashionMnist.CLASSES);
        List<Object> confusion = new ArrayList<>();
        List<Object> perClass = new ArrayList<>();
        for (int t = 0; t < m.classes(); t++) {
            List<Object> row = new ArrayList<>();
            for (int p = 0; p < m.classes(); p++) row.add(m.get(t, p));
            confusion.add(row);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("class", FashionMnist.CLASSES.get(t));
            c.put("count", m.ofClass(t));
            c.put("correct", m.get(t, t));
            c.put("accuracy", m.ofClass(t) == 0 ? null : m.accuracy(t));
            perClass.add(c);
        }
        o.put("confusion", confusion);
        o.put("per_class", perClass);
        o.put("seconds", seconds);
        return Json.write(o);
    }

    /**
     * How far the evaluation has got, on stderr: on a terminal a line rewritten in place at most
     * a few times a second; elsewhere (a log, a pipe) only the final line, so logs stay short.
     */
    static final class ProgressLine implements IntConsumer {
        private static final long UPDATE_NANOS = 250_000_000;

        private final PrintWriter err;
        private final int total;
        private final boolean terminal;
        private final long start = System.nanoTime();
        private long lastUpdate = start;
        private long end;

        ProgressLine(PrintWriter err, int total) {
            Console console = System.console();
            this.err = err;
            this.total = total;
            this.terminal = console != null && console.isTerminal();
        }

        @Override
        public void accept(int done) {
            long now = System.nanoTime();
            if (!terminal || now - lastUpdate < UPDATE_NANOS) return;
            lastUpdate = now;
            err.printf("\revaluated %,d of %,d images", done, total);
            err.flush();
        }

        void finish(Device device) {
            end = System.nanoTime();
            err.printf("%sevaluated %,d images in %.1f s on %s (%,.0f images/s)%n", terminal ? "\r" : "", total, seconds(), device.id(),
                    total / seconds());
            err.flush();
        }

        double seconds() { return (end - start) / 1e9; }
    }

    /** {@code --split train|test}, in the lower case the command line writes. */
    static final class SplitName implements ITypeConverter<FashionMnist.Split> {
        @Override
        public FashionMnist.Split convert(String value) {
            try {
                return FashionMnist.Split.of(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
