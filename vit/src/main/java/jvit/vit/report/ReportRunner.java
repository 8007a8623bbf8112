package jvit.vit.report;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import jvit.kernels.Op;
import jvit.runtime.Device;
import jvit.vit.benchmark.ForwardWorkload;
import jvit.vit.benchmark.GraphCost;
import jvit.vit.benchmark.KernelCase;
import jvit.vit.benchmark.KernelWorkload;
import jvit.vit.benchmark.ModelCase;
import jvit.vit.benchmark.Support;
import jvit.vit.benchmark.WarmUp;
import jvit.vit.benchmark.Workload;

/**
 * Runs a report: the CPU's clock, each device's limits (a large matmul, a large add), then every
 * kernel case and every model case. A case is loaded on every device at once and warmed up, then
 * timed in rounds, each running it on every device back to back and then on each peer that has it
 * (NumPy for GEMM; NumPy, PyTorch and ONNX Runtime for forward passes): a slow period on the
 * shared machine falls on all of them alike.
 */
public final class ReportRunner {
    /** Untimed calls in each of the peer's processes: NumPy has no JIT, one call faults its pages in and fills its caches. */
    static final int PEER_WARMUP = 1;

    private final ReportSettings settings;
    private final List<Device> devices;
    private final NumpyPeer numpy;
    private final List<ForwardPeer> forwardPeers;
    /** Each peer that ran, in words. */
    private final Map<String, String> peerWords = new LinkedHashMap<>();
    private final PrintWriter progress;
    private final List<Result> results = new ArrayList<>();
    private final List<LogitCheck> checks = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, DevicePeak> peaks = new HashMap<>();
    /** Per device and step, why a whole-model step cannot run there ("" when it can). */
    private final Map<String, String> unsupportedSteps = new HashMap<>();

    /**
     * @param numpy the NumPy peer for GEMM, or null for none
     * @param forwardPeers the peers of forward passes, in the order they run after the devices
     */
    public ReportRunner(ReportSettings settings, List<Device> devices, NumpyPeer numpy, List<ForwardPeer> forwardPeers, PrintWriter progress) {
        this.settings = settings;
        this.devices = List.copyOf(devices);
        this.numpy = numpy;
        this.forwardPeers = List.copyOf(forwardPeers);
        this.progress = progress;
    }

    /** Runs every case; notes already made (a missing peer) come first in the report's. */
    public Report run(String name, String command, Path home, List<String> earlierNotes) {
        notes.addAll(earlierNotes);
        Map<String, String> machine = MachineInfo.collect(home);
        String loadBefore = MachineInfo.load();
        double clock = Double.NaN;
        if (settings.clockIterations() > 0 && devices.stream().anyMatch(ReportRunner::isCpu)) {
            clock = CpuClock.ghz(3, settings.clockIterations());
            machine.put("clock", String.format(Locale.ROOT, "%.2f GHz (one core, a chain of dependent adds, best of 3)", clock));
        }
        kernel(settings.peakMatmul());
        kernel(settings.bandwidthAdd());
        for (Device d : devices) measurePeak(d, clock);
        settings.kernels().forEach(this::kernel);
        settings.models().forEach(this::model);
        machine.put("load", "load average " + loadBefore + " at the start, " + MachineInfo.load() + " at the end, on "
                + Runtime.getRuntime().availableProcessors() + " hardware threads: above that, other jobs shared the machine");
        List<Report.DeviceEntry> entries = devices.stream()
                .map(d -> new Report.DeviceEntry(d.id(), d.name(), d.properties(), peaks.get(d.id()))).toList();
        return new Report(name, LocalDate.now().toString(), command, settings, machine, entries,
                peerWords, results, checks, notes);
    }

    static boolean isCpu(Device d) { return "CPU".equals(d.properties().get("type")); }

    /** The limits of {@code d} from the best runs of the large matmul and add, and the hardware's where it is a CPU. */
    private void measurePeak(Device d, double clock) {
        Result matmul = find(settings.peakMatmul().name(), d.id()), add = find(settings.bandwidthAdd().name(), d.id());
        if (matmul == null || add == null) {
            notes.add(d.id() + ": no peak measured (the large matmul or add did not run), so no floors");
            return;
        }
        CpuPeak hardware = isCpu(d) && Double.isFinite(clock) ? CpuPeak.here(clock) : null;
        DevicePeak peak = new DevicePeak(matmul.flops() / matmul.measurement().bestSeconds() / 1e9,
                hardware == null ? Double.NaN : hardware.gflops(), hardware == null ? "" : hardware.describe(),
                add.bytes() / add.measurement().bestSeconds() / 1e9);
        peaks.put(d.id(), peak);
        progress.printf(Locale.ROOT, "peak of %s: %.0f GFLOP/s (matmul %.0f), %.1f GB/s%n", d.id(), peak.gflops(), peak.matmulGflops(),
                peak.bandwidthGbps());
    }

    private Result find(String caseName, String device) {
        return results.stream().filter(r -> r.isKernel() && r.name().equals(caseName) && r.device().equals(device)).findFirst().orElse(null);
    }

    private void kernel(KernelCase c) {
        Map<String, Workload> open = new LinkedHashMap<>();
        try {
            for (Device d : devices) {
                try {
                    open.put(d.id(), KernelWorkload.open(c.op(), d));
                } catch (RuntimeException e) {
                    notes.add(c.name() + " on " + d.id() + ": skipped, " + message(e));
                }
            }
            Map<String, IntFunction<long[]>> peerRuns = new LinkedHashMap<>();
            if (c.op() instanceof Op.Matmul m && numpy != null && !open.isEmpty())
                peerRuns.put(NumpyPeer.ID, runs -> numpy.matmul(List.of(m), PEER_WARMUP, runs).getFirst());
            Map<String, Measurement> timed = time(open, peerRuns, c.name(), peer -> {});
            if (timed.containsKey(NumpyPeer.ID)) peerWords.put(NumpyPeer.ID, numpy.words());
            timed.forEach((device, m) -> results.add(new Result(Result.KERNEL, c.name(), c.shape(), 1, device, c.op().flops(),
                    c.op().bytes(), open.containsKey(device) ? open.get(device).footprintBytes() : 0, m)));
            progress.printf("kernel %s (%s): %s%n", c.name(), c.shape(), summary(timed, m -> String.format(Locale.ROOT, "%.3f ms", m.seconds() * 1e3)));
        } finally {
            open.values().forEach(Workload::close);
        }
    }

    private void model(ModelCase c) {
        GraphCost cost = c.cost();
        Map<String, Workload> open = new LinkedHashMap<>();
        PeerForward peers = null;
        try {
            for (Device d : devices) {
                String reason = skipReason(c, d, cost);
                if (reason != null) {
                    notes.add(c.title() + " on " + d.id() + ": skipped, " + reason);
                    continue;
                }
                try {
                    open.put(d.id(), c.open(d));
                } catch (RuntimeException e) {
                    notes.add(c.title() + " on " + d.id() + ": skipped, " + message(e));
                }
            }
            peers = peers(c, cost, open);
            if (peers != null) peers.awaitReady(note -> notes.add(c.title() + " on " + note));
            Map<String, IntFunction<long[]>> peerRuns = new LinkedHashMap<>();
            if (peers != null) peers.sessions().forEach((id, session) -> peerRuns.put(id, session::run));
            Map<String, Measurement> timed = time(open, peerRuns, c.title(), peers == null ? peer -> {} : peers::drop);
            for (String peer : timed.keySet())
                if (ForwardPeer.isPeer(peer)) {
                    peerWords.put(peer, peers.sessions().get(peer).description());
                    for (var e : open.entrySet())
                        checks.add(peers.check(c.name(), c.batch(), e.getKey(), ((ForwardWorkload) e.getValue()).logits(), peer));
                }
            timed.forEach((device, m) -> results.add(new Result(c.step().toString(), c.name(), "", c.batch(), device, cost.flops(),
                    cost.bytes(), ForwardPeer.isPeer(device) ? 0 : cost.footprintBytes(), m)));
            if (!timed.isEmpty())
                progress.printf("%s: %s%n", c.title(), summary(timed, m -> String.format(Locale.ROOT, "%.2f images/s", c.batch() / m.seconds())));
        } finally {
            open.values().forEach(Workload::close);
            if (peers != null) peers.close();
        }
    }

    /** The peers started on a forward case's weights and images (every device has the same: the seeds are fixed); null for none. */
    private PeerForward peers(ModelCase c, GraphCost cost, Map<String, Workload> open) {
        if (c.step() != ModelCase.Step.FORWARD || forwardPeers.isEmpty() || open.isEmpty()) return null;
        String reason = peerSkipReason(cost);
        if (reason != null) {
            notes.add(c.title() + " on the peers: skipped, " + reason);
            return null;
        }
        ForwardWorkload source = (ForwardWorkload) open.values().iterator().next();
        return PeerForward.export(forwardPeers, c.config(), source.weights().fileTensors(), source.images(), c.batch(),
                note -> notes.add(c.title() + " on " + note));
    }

    /** Why {@code c} does not run on {@code d}: an operator without a kernel there, too little memory, too long; null if it runs. */
    private String skipReason(ModelCase c, Device d, GraphCost cost) {
        String unsupported = unsupportedSteps.computeIfAbsent(d.id() + " " + c.step(), key -> Support.missingKernel(d, c.step()).orElse(""));
        if (!unsupported.isEmpty()) return unsupported;
        String memory = Support.tooLarge(cost).orElse(null);
        if (memory != null) return memory;
        DevicePeak peak = peaks.get(d.id());
        return peak == null ? null : timeReason(cost, peak);
    }

    /** The peers run on the CPU: their limits are the first CPU device's. */
    private String peerSkipReason(GraphCost cost) {
        String memory = Support.tooLarge(cost).orElse(null);
        if (memory != null) return memory;
        return devices.stream().filter(ReportRunner::isCpu).map(d -> peaks.get(d.id())).filter(Objects::nonNull)
                .findFirst().map(peak -> timeReason(cost, peak)).orElse(null);
    }

    /** Runs at the compute floor times the runs a case makes: a lower bound of its time. */
    private String timeReason(GraphCost cost, DevicePeak peak) {
        double run = peak.computeFloorSeconds(cost.flops());
        int runs = settings.warmup() + settings.rounds() * settings.minRuns();
        return run * runs <= settings.caseBudgetSeconds() ? null
                : String.format(Locale.ROOT, "%d runs of at least %.1f s (its FLOPs at the peak) pass the %.0f s a case may take in a %s report",
                        runs, run, settings.caseBudgetSeconds(), settings.mode());
    }

    /**
     * Warms each workload up, then times {@code settings.rounds()} rounds: every device back to
     * back, then each peer ({@code peerRuns}: given how many timed calls, their nanoseconds; as
     * many as the first device's). A failing peer is noted, given to {@code dropped} and left out.
     */
    private Map<String, Measurement> time(Map<String, Workload> open, Map<String, IntFunction<long[]>> peerRuns, String what,
                                          Consumer<String> dropped) {
        peerRuns = new LinkedHashMap<>(peerRuns);
        Map<String, Integer> runs = new LinkedHashMap<>();
        open.forEach((device, w) -> runs.put(device, runsPerRound(WarmUp.run(w::run, settings.warmup(), settings.warmupSeconds()))));
        Map<String, List<long[]>> rounds = new LinkedHashMap<>();
        for (int round = 0; round < settings.rounds(); round++) {
            open.forEach((device, w) -> {
                long[] t = new long[runs.get(device)];
                for (int i = 0; i < t.length; i++) t[i] = w.run();
                rounds.computeIfAbsent(device, k -> new ArrayList<>()).add(t);
            });
            for (String peer : List.copyOf(peerRuns.keySet()))
                try {
                    rounds.computeIfAbsent(peer, k -> new ArrayList<>()).add(peerRuns.get(peer).apply(runs.values().iterator().next()));
                } catch (NumpyPeer.Unavailable e) {
                    notes.add(what + " on " + ForwardPeer.label(peer) + ": left out, " + e.getMessage());
                    rounds.remove(peer);
                    peerRuns.remove(peer);
                    dropped.accept(peer);
                }
        }
        Map<String, Measurement> timed = new LinkedHashMap<>();
        rounds.forEach((device, r) -> timed.put(device, new Measurement(r)));
        return timed;
    }

    /** As many runs as fill {@code secondsPerRound} at the pace of the last warm-up runs, within the settings' bounds. */
    private int runsPerRound(long[] warmup) {
        if (warmup.length == 0) return settings.minRuns();
        double run = Latencies.of(warmup).p50();
        return (int) Math.clamp((long) Math.ceil(settings.secondsPerRound() * 1e9 / Math.max(run, 1)), settings.minRuns(), settings.maxRuns());
    }

    private static String summary(Map<String, Measurement> timed, Function<Measurement, String> figure) {
        if (timed.isEmpty()) return "skipped everywhere";
        return timed.entrySet().stream().map(e -> e.getKey() + " " + figure.apply(e.getValue()) + (e.getValue().unstable() ? " (unstable)" : ""))
                .collect(Collectors.joining(", "));
    }

    static String message(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
