package jvit.vit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.UserError;
import jvit.runtime.io.IoErrors;
import jvit.vit.ViTConfig;
import jvit.vit.ViTPresets;
import jvit.vit.benchmark.KernelCases;
import jvit.vit.benchmark.ModelCase;
import jvit.vit.report.MachineInfo;
import jvit.vit.report.Report;
import jvit.vit.report.ReportCharts;
import jvit.vit.report.ReportJson;
import jvit.vit.report.ReportMarkdown;
import jvit.vit.report.ReportRunner;
import jvit.vit.report.ReportSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vit bench report}: the devices compared, kernel by kernel and model by model, beside
 * their measured limits and the NumPy peer; writes {@code DATE-HOST[-quick].json}, {@code .md}
 * and the charts {@code -models.png} and {@code -kernels.png}.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Compare devices on every kernel and on ViT-Ti/S/B, beside their measured limits and NumPy; write JSON, Markdown and PNG charts.")
final class ReportBenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--devices", split = ",", paramLabel = "ID", description = "The devices to compare (default: every device present; see `vit devices`).")
    List<String> devices;
    @Option(names = "--quick", description = "A few kernels and ViT-Ti/S forward, a few minutes; without it, everything that fits.")
    boolean quick;
    @Option(names = "--inference", description = "ViT-B/16 forward at batch 1 and 8 and ViT-S/16 at batch 8 beside the peers, with"
            + " the floors: what bench/peers-report.sh runs.")
    boolean inference;
    @Option(names = "--kernels", split = ",", paramLabel = "CASE", description = "Only these kernel cases (names as in a report, e.g."
            + " matmul_square_1024) and the --models given: a few cases compared in more rounds.")
    List<String> kernels;
    @Option(names = "--models", split = ",", paramLabel = "MODEL@BATCH[:train]", description = "Only these model cases and the --kernels"
            + " given: a ViT preset (ViT-S/16) or fashion-mnist (the default model's recipe), a batch, :train for a training step.")
    List<String> models;
    @Option(names = "--out", paramLabel = "DIR", description = "Where the files go (default: bench/results of the jvit checkout).")
    Path out;
    @Option(names = "--peers", split = ",", paramLabel = "P", defaultValue = "numpy,pytorch,onnxruntime",
            description = "The peers to run beside the devices: numpy, pytorch, onnxruntime, or none (default ${DEFAULT-VALUE}).")
    List<String> peers;
    @Option(names = "--tiny", hidden = true, description = "Tiny sizes and few runs: tests of the report's plumbing.")
    boolean tiny;

    @Override
    public void run() {
        boolean selected = kernels != null || models != null;
        if ((quick ? 1 : 0) + (inference ? 1 : 0) + (tiny ? 1 : 0) + (selected ? 1 : 0) > 1)
            throw new ParameterException(spec.commandLine(), "--quick, --inference, --kernels/--models and --tiny choose what runs: give one");
        ReportSettings settings = tiny ? ReportSettings.tiny() : quick ? ReportSettings.quick() : inference ? ReportSettings.inference()
                : selected ? ReportSettings.selected(kernels == null ? List.of() : kernels.stream().map(String::trim).map(KernelCases::named).toList(),
                        models == null ? List.of() : models.stream().map(String::trim).map(this::modelCase).toList())
                : ReportSettings.full();
        List<Device> chosen = devices();
        Path dir = outputDirectory();
        String name = LocalDate.now() + "-" + MachineInfo.host() + (settings.mode().equals("full") ? "" : "-" + settings.mode());
        PrintWriter progress = spec.commandLine().getOut();

        Path home = home();
        List<String> notes = new ArrayList<>();
        PeerChoice.Found found = PeerChoice.find(spec, peers, home, notes::add);
        Report report = new ReportRunner(settings, chosen, found.numpy(), found.forward(), progress).run(name, command(), home, notes);
        ReportJson.write(report, dir.resolve(name + ".json"));
        String models = ReportCharts.writeModels(report, dir.resolve(name + "-models.png")) ? name + "-models.png" : null;
        String kernels = ReportCharts.writeKernels(report, dir.resolve(name + "-kernels.png")) ? name + "-kernels.png" : null;
        ReportMarkdown.write(report, dir.resolve(name + ".md"), models, kernels);
        progress.println("wrote " + dir.resolve(name + ".md") + " (and .json" + (models != null ? ", -models.png" : "")
                + (kernels != null ? ", -kernels.png" : "") + ")");
    }

    /** {@code MODEL@BATCH[:train]}: a preset or fashion-mnist, a batch of at least one, a forward pass unless {@code :train}. */
    private ModelCase modelCase(String text) {
        var m = java.util.regex.Pattern.compile("(.+)@(\\d+)(:train)?").matcher(text);
        if (!m.matches() || Integer.parseInt(m.group(2)) < 1)
            throw new ParameterException(spec.commandLine(), "--models takes MODEL@BATCH or MODEL@BATCH:train (e.g. ViT-S/16@8,"
                    + " fashion-mnist@128:train), not " + text);
        String model = m.group(1);
        ViTConfig config = model.equals("fashion-mnist") ? TrainCommand.recipeModel() : ViTPresets.get(model);
        return new ModelCase(model, config, Integer.parseInt(m.group(2)), m.group(3) != null ? ModelCase.Step.TRAIN : ModelCase.Step.FORWARD);
    }

    /** The devices named, each once; by default every device present. */
    private List<Device> devices() {
        if (devices == null) return Devices.all();
        List<Device> chosen = new ArrayList<>();
        for (String id : devices) {
            Device d = Devices.get(id.trim());
            if (chosen.stream().anyMatch(c -> c.id().equals(d.id())))
                throw new ParameterException(spec.commandLine(), "--devices names " + d.id() + " twice");
            chosen.add(d);
        }
        return chosen;
    }

    /** --out, made now if missing, so that a bad one fails before minutes of measuring. */
    private Path outputDirectory() {
        Path home = home();
        Path dir = out != null ? out : home != null ? home.resolve("bench").resolve("results") : Path.of("bench", "results");
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw UserError.inFile(dir, "is not a directory; give --out a directory (it is made if missing)");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw UserError.inFile(dir, "cannot be made (" + IoErrors.describe(e) + "); choose another --out");
        }
        if (!Files.isWritable(dir)) throw UserError.inFile(dir, "is not writable; choose another --out");
        return dir;
    }

    private static Path home() {
        String home = System.getProperty("jvit.home");
        return home == null ? null : Path.of(home);
    }

    /** This command as typed, in the words of its options. */
    private String command() {
        StringBuilder c = new StringBuilder("vit bench report");
        if (devices != null) c.append(" --devices ").append(String.join(",", devices));
        if (quick) c.append(" --quick");
        if (inference) c.append(" --inference");
        if (kernels != null) c.append(" --kernels ").append(String.join(",", kernels));
        if (models != null) c.append(" --models ").append(String.join(",", models));
        if (!String.join(",", peers).equals("numpy,pytorch,onnxruntime")) c.append(" --peers ").append(String.join(",", peers));
        if (tiny) c.append(" --tiny");
        if (out != null) c.append(" --out ").append(out);
        return c.toString();
    }
}
