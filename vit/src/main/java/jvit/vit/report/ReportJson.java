package jvit.vit.report;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import jvit.runtime.io.AtomicFile;
import jvit.vit.io.Json;

/**
 * A report as JSON: the settings, machine and devices (their properties and limits), the peers'
 * versions, and per result its work, its summary figures and every timed run in nanoseconds, so
 * that anything in the Markdown can be recomputed.
 */
public final class ReportJson {
    private ReportJson() {}

    public static void write(Report report, Path file) {
        String text = Json.writePretty(toJson(report)) + "\n";
        AtomicFile.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    static Map<String, Object> toJson(Report report) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("report", report.name());
        o.put("date", report.date());
        o.put("command", report.command());
        o.put("settings", settings(report.settings()));
        o.put("machine", report.machine());
        List<Object> devices = new ArrayList<>();
        for (Report.DeviceEntry d : report.devices()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", d.id());
            e.put("name", d.name());
            e.put("properties", d.properties());
            e.put("peak", d.peak() == null ? null : peak(d.peak()));
            devices.add(e);
        }
        o.put("devices", devices);
        o.put("peers", report.peers());
        o.put("results", report.results().stream().map(r -> result(report, r)).toList());
        o.put("logit_checks", report.checks().stream().map(ReportJson::check).toList());
        o.put("notes", report.notes());
        return o;
    }

    private static Map<String, Object> settings(ReportSettings s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("mode", s.mode());
        o.put("rounds", s.rounds());
        o.put("warmup_runs", s.warmup());
        o.put("warmup_seconds", s.warmupSeconds());
        o.put("min_runs_per_round", s.minRuns());
        o.put("max_runs_per_round", s.maxRuns());
        o.put("seconds_per_round", s.secondsPerRound());
        o.put("case_budget_seconds", s.caseBudgetSeconds());
        o.put("unstable_spread", Measurement.UNSTABLE_SPREAD);
        return o;
    }

    private static Map<String, Object> peak(DevicePeak p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("gflops", round(p.gflops()));
        o.put("matmul_gflops", round(p.matmulGflops()));
        o.put("hardware_gflops", Double.isNaN(p.hardwareGflops()) ? null : round(p.hardwareGflops()));
        o.put("hardware", p.hardware().isEmpty() ? null : p.hardware());
        o.put("bandwidth_gbps", round(p.bandwidthGbps()));
        return o;
    }

    private static Map<String, Object> result(Report report, Result r) {
        Measurement m = r.measurement();
        Latencies all = m.all(), rounds = m.roundMedians();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("kind", r.kind());
        o.put("name", r.name());
        if (!r.shape().isEmpty()) o.put("shape", r.shape());
        o.put("batch", r.batch());
        o.put("device", r.device());
        o.put("flops", r.flops());
        o.put("bytes", r.bytes());
        o.put("footprint_bytes", r.footprintBytes() == 0 ? null : r.footprintBytes());
        o.put("p50_ms", round(all.p50() / 1e6));
        o.put("p99_ms", round(all.p99() / 1e6));
        o.put("min_ms", round(all.min() / 1e6));
        o.put("max_ms", round(all.max() / 1e6));
        o.put("round_medians_ms", Arrays.stream(rounds.sorted()).mapToObj(n -> round(n / 1e6)).toList());
        o.put("spread", round(m.spread()));
        o.put("unstable", m.unstable());
        if (!r.isKernel()) o.put("images_per_s", round(r.imagesPerSecond()));
        o.put("gflops", round(r.gflops()));
        o.put("gbps", round(r.gbps()));
        OptionalDouble floor = report.floorSeconds(r);
        o.put("floor_ms", floor.isPresent() ? round(floor.getAsDouble() * 1e3) : null);
        o.put("percent_of_floor", floor.isPresent() ? round(100 * floor.getAsDouble() / m.seconds()) : null);
        for (String peer : List.of(NumpyPeer.ID, TorchPeer.PYTORCH, TorchPeer.ONNXRUNTIME)) {
            OptionalDouble speedup = report.speedupOver(r, peer);
            if (speedup.isPresent()) o.put("speedup_over_" + peer, round(speedup.getAsDouble()));
        }
        o.put("runs_ns", m.rounds().stream().map(t -> Arrays.stream(t).boxed().toList()).toList());
        return o;
    }

    private static Map<String, Object> check(LogitCheck c) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", c.model());
        o.put("batch", c.batch());
        o.put("device", c.device());
        o.put("peer", c.peer());
        o.put("max_abs_difference", c.maxAbsDifference());
        o.put("max_abs_logit", c.maxAbsLogit());
        o.put("agrees", c.agrees());
        return o;
    }

    /** Four significant digits: more than any figure here can claim. */
    static double round(double x) {
        return x == 0 || !Double.isFinite(x) ? x : new java.math.BigDecimal(x).round(new java.math.MathContext(4)).doubleValue();
    }
}
