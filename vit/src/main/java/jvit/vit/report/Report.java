package jvit.vit.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a report run found: where and how it ran, each device's limits, every result, the logit
 * checks against the peer, and what was skipped and why. The writers turn it into JSON, Markdown
 * and charts.
 *
 * @param name the files' common name, {@code 2026-11-24-host-quick}
 * @param command the command line that made it
 * @param machine CPU, memory, OS, JDK, jvit's commit, as words
 * @param peers each peer that ran (its id, {@link ForwardPeer#id()}), in words: versions, threads
 * @param notes what was skipped or failed, one sentence each
 */
public record Report(String name, String date, String command, ReportSettings settings, Map<String, String> machine,
                     List<DeviceEntry> devices, Map<String, String> peers, List<Result> results, List<LogitCheck> checks,
                     List<String> notes) {
    /** A device as the report saw it: its description and its limits (null if they could not be measured). */
    public record DeviceEntry(String id, String name, Map<String, String> properties, DevicePeak peak) {}

    public Report {
        devices = List.copyOf(devices);
        results = List.copyOf(results);
        checks = List.copyOf(checks);
        notes = List.copyOf(notes);
        peers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(peers));
    }

    /**
     * The limits for {@code device}'s results; for a peer, those of the first CPU device (the peers
     * run on the same CPU).
     */
    public Optional<DevicePeak> peak(String device) {
        return devices.stream()
                .filter(d -> ForwardPeer.isPeer(device) ? "CPU".equals(d.properties().get("type")) : d.id().equals(device))
                .map(DeviceEntry::peak).filter(Objects::nonNull).findFirst();
    }

    /** The least time {@code r}'s work can take where it ran, from that device's limits; empty without them. */
    public OptionalDouble floorSeconds(Result r) {
        return peak(r.device()).map(p -> OptionalDouble.of(p.floorSeconds(r.flops(), r.bytes()))).orElse(OptionalDouble.empty());
    }

    /** How many times faster {@code r} ran than {@code peer} on the same case; empty where the peer did not run it, and for the peer itself. */
    public OptionalDouble speedupOver(Result r, String peer) {
        if (r.device().equals(peer)) return OptionalDouble.empty();
        return on(r, peer).map(p -> OptionalDouble.of(p.measurement().seconds() / r.measurement().seconds()))
                .orElse(OptionalDouble.empty());
    }

    /** The peers that ran cases of this kind ({@code kernels} or models), strongest first: ONNX Runtime, PyTorch, NumPy. */
    public List<String> peersOf(boolean kernels) {
        return java.util.stream.Stream.of(TorchPeer.ONNXRUNTIME, TorchPeer.PYTORCH, NumpyPeer.ID)
                .filter(p -> results.stream().anyMatch(r -> r.isKernel() == kernels && r.device().equals(p))).toList();
    }

    /** The same case's result on {@code device}, if it ran there. */
    public Optional<Result> on(Result r, String device) {
        return results.stream().filter(o -> o.sameCase(r) && o.device().equals(device)).findFirst();
    }

    /** The results of each case, in the order the cases ran, devices in the report's order and the peer last. */
    public List<List<Result>> byCase() {
        List<List<Result>> cases = new ArrayList<>();
        for (Result r : results) {
            List<Result> same = cases.stream().filter(c -> c.getFirst().sameCase(r)).findFirst().orElse(null);
            if (same == null) cases.add(same = new ArrayList<>());
            same.add(r);
        }
        return cases;
    }
}
