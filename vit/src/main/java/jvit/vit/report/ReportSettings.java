package jvit.vit.report;

import java.util.List;
import jvit.kernels.Op;
import jvit.vit.benchmark.KernelCase;
import jvit.vit.benchmark.KernelCases;
import jvit.vit.benchmark.ModelCase;
import jvit.vit.benchmark.ModelCases;

/**
 * What a report runs and how long it times each case.
 *
 * @param mode {@code quick}, {@code full}, {@code inference}, {@code selected} or {@code tiny} (the tests')
 * @param rounds rounds per case; each runs the case on every device back to back, then on the peer
 * @param warmup untimed runs per device before the first round, at least ...
 * @param warmupSeconds ... and for at least this long: the JIT compiles a kernel's Vector API code
 *     only after some dozens of runs, later when it has many kernels to compile
 * @param minRuns timed runs per round at least ...
 * @param maxRuns ... and at most, as many as fill {@code secondsPerRound}
 * @param caseBudgetSeconds a model case expected to take longer than this on a device is skipped there
 * @param peakMatmul the large matmul whose best run is a device's measured compute peak
 * @param bandwidthAdd the large add whose best run is a device's bandwidth
 * @param clockIterations operations per clock probe (3 probes; 0: no CPU clock, no hardware peak)
 */
public record ReportSettings(String mode, int rounds, int warmup, double warmupSeconds, int minRuns, int maxRuns, double secondsPerRound,
                             double caseBudgetSeconds, KernelCase peakMatmul, KernelCase bandwidthAdd,
                             List<KernelCase> kernels, List<ModelCase> models, long clockIterations) {
    /** A few kernels and ViT-Ti/S forward: a few minutes on two cores. */
    public static ReportSettings quick() {
        return new ReportSettings("quick", 3, 2, 1.5, 5, 30, 0.3, 60, KernelCases.square(2048, true), bandwidth(1 << 24),
                KernelCases.quick(), ModelCases.quick(), 500_000_000L);
    }

    /** Every kernel, and ViT-Ti/S/B forward and training at batch 1, 8 and 64 where they fit. */
    public static ReportSettings full() {
        KernelCase peak = KernelCases.square(2048, true);
        return new ReportSettings("full", 5, 3, 3, 5, 100, 2, 300, peak, bandwidth(1 << 24),
                KernelCases.all().stream().filter(c -> !c.name().equals(peak.name())).toList(), ModelCases.all(), 1_000_000_000L);
    }

    /** These cases alone, timed as the full report times them (the peak matmul and the add give the floors). */
    public static ReportSettings selected(List<KernelCase> kernels, List<ModelCase> models) {
        KernelCase peak = KernelCases.square(2048, true);
        return new ReportSettings("selected", 5, 3, 3, 5, 100, 2, 600, peak, bandwidth(1 << 24),
                kernels.stream().filter(c -> !c.name().equals(peak.name())).toList(), List.copyOf(models), 1_000_000_000L);
    }

    /**
     * Inference beside the peers, as command-line users and servers meet it: ViT-B/16 at batch 1
     * and 8 and ViT-S/16 at batch 8, forward only, with the devices' limits for the floors. Nine
     * short rounds (about a second, at least 3 runs each) rather than five long ones: this machine
     * has slow periods of seconds to a minute (bench/results/2026-12-05-java-matmul-blocks.md), and
     * the more often jvit and its peers take turns, the more alike such a period falls on them.
     */
    public static ReportSettings inference() {
        return new ReportSettings("inference", 9, 3, 3, 3, 50, 1, 600, KernelCases.square(2048, true), bandwidth(1 << 24), List.of(),
                List.of(ModelCases.of("ViT-B/16", 1, ModelCase.Step.FORWARD), ModelCases.of("ViT-B/16", 8, ModelCase.Step.FORWARD),
                        ModelCases.of("ViT-S/16", 8, ModelCase.Step.FORWARD)), 1_000_000_000L);
    }

    /** Every operator at a tiny ViT's sizes and the tiny ViT itself, for tests of the report's plumbing: seconds. */
    public static ReportSettings tiny() {
        var config = ModelCases.tinyConfig();
        return new ReportSettings("tiny", 2, 1, 0, 2, 3, 0, 60, KernelCases.square(96, true), bandwidth(1 << 16),
                KernelCases.ofModel(config, 2),
                List.of(new ModelCase("tiny ViT", config, 2, ModelCase.Step.FORWARD), new ModelCase("tiny ViT", config, 2, ModelCase.Step.TRAIN)),
                1_000_000L);
    }

    /** {@code out = a + b} over {@code n} floats: the simplest kernel that streams memory, on every device. */
    static KernelCase bandwidth(long n) {
        return new KernelCase("add_bandwidth", new Op.Add(n));
    }
}
