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
 * @param peer NumPy's and its BLAS's versions; empty without a peer
 * @param notes what was skipped or failed, one sentence each
 */
public record Report(String name, String date, String command, ReportSettings settings, Map<String, String> machine,
                     List<DeviceEntry> devices, Map<String, String> peer, List<Result> results, List<LogitCheck> checks,
                     List<String> notes) {
    /** A device as the report saw it: its description and its limits (null if they could not be measured). */
    public record DeviceEntry(String id, String name, Map<String, String> properties, DevicePeak peak) {}

    public Report {
        devices = List.copyOf(devices);
        results = List.copyOf(results);
        checks = List.copyOf(checks);
        notes = List.copyOf(notes);
    }

    /**
     * The limits for {@code device}'s results; for the NumPy peer, those of the first CPU device
     * (the peer runs on the same CPU).
     */
    public Optional<DevicePeak> peak(String device) {
        return devices.stream()
                .filter(d -> device.equals(NumpyPeer.ID) ? "CPU".equals(d.properties().get("type")) : d.id().equals(device))
                .map(DeviceEntry::peak).filter(Objects::nonNull).findFirst();
    }

    /** The least time {@code r}'s work can take where it ran, from that device's limits; empty without them. */
    public OptionalDouble floorSeconds(Result r) {
        return peak(r.device()).map(p -> OptionalDouble.of(p.floorSeconds(r.flops(), r.bytes()))).orElse(OptionalDouble.empty());
    }

    /** How many times faster {@code r} ran than the NumPy peer on the same case; empty where the peer did not run it, and for the peer. */
    public OptionalDouble speedupOverPeer(Result r) {
        if (r.device().equals(NumpyPeer.ID)) return OptionalDouble.empty();
        return on(r, NumpyPeer.ID).map(p -> OptionalDouble.of(p.measurement().seconds() / r.measurement().seconds()))
                .orElse(OptionalDouble.empty());
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
