package jvit.vit.report;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Collectors;
import jvit.runtime.io.AtomicFile;
import jvit.vit.benchmark.KernelWorkload;

/**
 * A report as Markdown, in the order of the project's results files: how it was measured, the
 * floors, the machine, then the models and the kernels with each device's figures side by side
 * with the peers', the checks, and what was skipped.
 */
public final class ReportMarkdown {
    private ReportMarkdown() {}

    /** Writes the Markdown; {@code modelsChart} and {@code kernelsChart} are file names beside it, null where there is none. */
    public static void write(Report report, Path file, String modelsChart, String kernelsChart) {
        String text = render(report, modelsChart, kernelsChart);
        AtomicFile.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    static String render(Report report, String modelsChart, String kernelsChart) {
        StringBuilder md = new StringBuilder();
        ReportSettings s = report.settings();
        md.append("# Devices compared: ").append(report.devices().stream().map(d -> "`" + d.id() + "`").collect(Collectors.joining(", ")))
                .append(" (").append(report.date()).append(", ").append(s.mode()).append(")\n\n");
        md.append("Written by `").append(report.command()).append("`. Every case was loaded on every device, warmed up (")
                .append(s.warmup()).append(" runs and ").append(Figures.significant(s.warmupSeconds()))
                .append(" s, not counted; NumPy one call per process, PyTorch and ONNX Runtime ").append(TorchPeer.WARMUP)
                .append(" runs in a process that stays for every round and has loaded before any timing starts), then timed in ").append(s.rounds())
                .append(" rounds, each running it on every device back to back and then on each peer that has the case, ")
                .append("so that a slow period on the shared machine falls on all of them alike. A round times ")
                .append(s.minRuns()).append(" to ").append(s.maxRuns()).append(" runs (as many as fill ")
                .append(Figures.significant(s.secondsPerRound())).append(" s). A figure is the median of all timed runs (p50; p99 beside it); ")
                .append("its spread is (max − min) / median of the rounds' medians, and above ")
                .append(Figures.percent(Measurement.UNSTABLE_SPREAD)).append(" it is marked ⚠ unstable. A kernel's inputs rotate among ")
                .append("copies that together pass ").append(KernelWorkload.ROTATION_BYTES >> 20)
                .append(" MiB, so that no run reads what the previous one left in the cache. ")
                .append("Raw numbers, every timed run included: `").append(report.name()).append(".json`.\n\n");
        floors(md, report);
        machine(md, report);
        models(md, report, modelsChart);
        kernels(md, report, kernelsChart);
        if (!report.notes().isEmpty()) {
            md.append("## Skipped and left out\n\n");
            report.notes().forEach(n -> md.append("- ").append(n).append('\n'));
            md.append('\n');
        }
        return md.toString();
    }

    private static void floors(StringBuilder md, Report report) {
        ReportSettings s = report.settings();
        md.append("## Floors\n\n");
        md.append("Measured in this run on each device: the best run of `").append(s.peakMatmul().name()).append("` (")
                .append(s.peakMatmul().shape()).append(") and of `").append(s.bandwidthAdd().name()).append("` (")
                .append(s.bandwidthAdd().shape()).append(", bytes counted once per argument). The compute peak is the higher of that ")
                .append("matmul and the hardware's (where known).\n\n");
        md.append("| device | compute peak | hardware | large matmul | bandwidth |\n|---|---|---|---|---|\n");
        for (Report.DeviceEntry d : report.devices()) {
            DevicePeak p = d.peak();
            if (p == null) {
                md.append("| `").append(d.id()).append("` | not measured | | | |\n");
                continue;
            }
            md.append("| `").append(d.id()).append("` | **").append(Figures.significant(p.gflops())).append(" GFLOP/s** | ")
                    .append(p.hardware().isEmpty() ? "unknown" : Figures.significant(p.hardwareGflops()) + " GFLOP/s: " + p.hardware())
                    .append(" | ").append(Figures.significant(p.matmulGflops())).append(" GFLOP/s (").append(Figures.percent(p.matmulGflops() / p.gflops()))
                    .append(" of peak) | ").append(Figures.significant(p.bandwidthGbps())).append(" GB/s |\n");
        }
        md.append("\nA kernel's floor is the larger of its FLOPs over the compute peak and its bytes over the bandwidth; ")
                .append("\"% of floor\" is floor / measured time (100% is the limit). A model's \"% of peak\" is its GFLOP/s over the compute peak.\n\n");
    }

    private static void machine(StringBuilder md, Report report) {
        md.append("## Machine\n\n");
        report.machine().forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        for (Report.DeviceEntry d : report.devices())
            md.append("- `").append(d.id()).append("`: ").append(d.name()).append(" (")
                    .append(d.properties().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")))
                    .append(")\n");
        if (report.peers().isEmpty()) md.append("- peers: none (see below)\n");
        report.peers().forEach((id, words) -> md.append("- ").append(ForwardPeer.label(id)).append(" peer: ").append(words)
                .append(id.equals(NumpyPeer.ID) ? "; `bench/peers/numpy_matmul.py` (the product and the bias: a GELU jvit fuses is not in its time) and "
                        + "`bench/peers/numpy_vit.py` (a float32 ViT forward on the same weights and images; erf by Abramowitz & Stegun 7.1.26)"
                        : "; `bench/peers/torch_peer.py`: timm's `VisionTransformer` with the same weights (safetensors) and images, float32")
                .append('\n'));
        md.append('\n');
    }

    private static void models(StringBuilder md, Report report, String chart) {
        List<List<Result>> cases = report.byCase().stream().filter(c -> !c.getFirst().isKernel()).toList();
        if (cases.isEmpty()) return;
        md.append("## Models\n\n");
        if (chart != null) md.append("![images/s per model](").append(chart).append(")\n\n");
        md.append("Random weights (timm's initialisation), random images; a run is one batch, images in and logits out, weights resident. ")
                .append("\"tensors\" is what the case's graph holds on the device.\n\n");
        List<String> peers = report.peersOf(false);
        md.append("| model | step | batch | device | images/s | spread | latency p50 | p99 | GFLOP/s | % of peak | floor | tensors |")
                .append(peers.stream().map(p -> " × " + ForwardPeer.label(p) + " |").collect(Collectors.joining())).append('\n');
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|").append("---|".repeat(peers.size())).append('\n');
        for (List<Result> c : cases)
            for (Result r : c) {
                Latencies l = r.measurement().all();
                md.append("| ").append(r.name()).append(" | ").append(r.kind()).append(" | ").append(r.batch()).append(" | ")
                        .append(device(r)).append(" | **").append(Figures.significant(r.imagesPerSecond())).append("** | ")
                        .append(spread(r)).append(" | ").append(Figures.time(l.p50() / 1e9)).append(" | ").append(Figures.time(l.p99() / 1e9))
                        .append(" | ").append(Figures.significant(r.gflops())).append(" | ")
                        .append(report.peak(r.device()).map(p -> Figures.percent(r.gflops() / p.gflops())).orElse("")).append(" | ")
                        .append(report.peak(r.device()).map(p -> Figures.significant(p.gflops() * 1e9 * r.batch() / r.flops()) + " images/s")
                                .orElse("")).append(" | ")
                        .append(r.footprintBytes() == 0 ? "" : Figures.mib(r.footprintBytes())).append(" |")
                        .append(peers.stream().map(p -> " " + speedup(report, r, p) + " |").collect(Collectors.joining())).append('\n');
            }
        md.append("\n\"floor\": the images/s of the case's FLOPs at the compute peak (the peers' at the first CPU device's). ")
                .append("\"× PyTorch\" and the like: the speed over that peer on the same case (above 1, faster).\n\n");
        if (!report.checks().isEmpty()) {
            md.append("Logits against the peers', same weights and images (largest |difference|, largest |logit|):\n\n");
            for (LogitCheck c : report.checks())
                md.append("- ").append(c.model()).append(", batch ").append(c.batch()).append(", `").append(c.device()).append("` vs ")
                        .append(ForwardPeer.label(c.peer())).append(": ")
                        .append(String.format(java.util.Locale.ROOT, "%.2g of %.3g", c.maxAbsDifference(), c.maxAbsLogit()))
                        .append(c.agrees() ? " — agree" : " — **DISAGREE**").append('\n');
            md.append('\n');
        }
    }

    private static void kernels(StringBuilder md, Report report, String chart) {
        List<List<Result>> cases = report.byCase().stream().filter(c -> c.getFirst().isKernel()).toList();
        if (cases.isEmpty()) return;
        md.append("## Kernels\n\n");
        if (chart != null) md.append("![% of floor per kernel](").append(chart).append(")\n\n");
        md.append("One operator as a one-task graph, inputs resident on the device; a run is one launch and its wait, which small kernels feel. ")
                .append("ViT shapes are ViT-B/16's for 8 images (1576 = 8 × 197 tokens).\n\n");
        md.append("| kernel | shape | device | p50 | p99 | spread | GFLOP/s | GB/s | floor | % of floor | × NumPy |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (List<Result> c : cases)
            for (Result r : c) {
                Latencies l = r.measurement().all();
                OptionalDouble floor = report.floorSeconds(r);
                String bound = report.peak(r.device()).map(p -> " (" + p.bound(r.flops(), r.bytes()) + ")").orElse("");
                md.append("| ").append(r.name()).append(" | ").append(r.shape()).append(" | ").append(device(r)).append(" | **")
                        .append(Figures.time(l.p50() / 1e9)).append("** | ").append(Figures.time(l.p99() / 1e9)).append(" | ")
                        .append(spread(r)).append(" | ").append(Figures.significant(r.gflops())).append(" | ")
                        .append(Figures.significant(r.gbps())).append(" | ")
                        .append(floor.isPresent() ? Figures.time(floor.getAsDouble()) + bound : "").append(" | ")
                        .append(floor.isPresent() ? Figures.percent(floor.getAsDouble() / r.measurement().seconds()) : "").append(" | ")
                        .append(speedup(report, r, NumpyPeer.ID)).append(" |\n");
            }
        md.append("\n\"× NumPy\" is the speed over NumPy's on the same case (above 1, faster than NumPy).\n\n");
    }

    private static String device(Result r) {
        return ForwardPeer.isPeer(r.device()) ? ForwardPeer.label(r.device()) : "`" + r.device() + "`";
    }

    private static String spread(Result r) {
        String s = Figures.percent(r.measurement().spread());
        return r.measurement().unstable() ? s + " ⚠" : s;
    }

    private static String speedup(Report report, Result r, String peer) {
        OptionalDouble x = report.speedupOver(r, peer);
        return x.isPresent() ? "**" + Figures.ratio(x.getAsDouble()) + "**" : "";
    }
}
