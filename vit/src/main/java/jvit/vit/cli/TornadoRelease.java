package jvit.vit.cli;

import java.util.List;
import java.util.Map;
import jvit.runtime.Device;

/** The TornadoVM release a benchmark ran on, written beside its figures: TornadoVM's generated code changes with it. */
final class TornadoRelease {
    private TornadoRelease() {}

    /** Adds {@code "tornadovm": "<version> (commit <hash>)"} to a benchmark's record when a tornado device took part. */
    static void record(Map<String, Object> r, List<Device> devices) {
        devices.stream().map(d -> d.properties().get("TornadoVM")).filter(v -> v != null).findFirst().ifPresent(v -> r.put("tornadovm", v));
    }

    /** The same as a line of a benchmark's text output, or "" when no tornado device took part. */
    static String line(List<Device> devices) {
        return devices.stream().map(d -> d.properties().get("TornadoVM")).filter(v -> v != null).findFirst()
                .map(v -> "  TornadoVM " + v + "\n").orElse("");
    }
}
