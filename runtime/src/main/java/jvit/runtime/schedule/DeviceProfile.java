package jvit.runtime.schedule;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import jvit.kernels.Op;

/**
 * What a device was measured to do: matmul throughput at a few square sizes, memory bandwidth,
 * host↔device transfer rate, the fixed cost of a launch and that of a round trip through the
 * host. The scheduler's cost model: how long an operator, or a copy, would take there.
 *
 * @param key the driver and device name it was measured for (two identical devices share one)
 * @param matmulGflops GFLOP/s of an n×n×n matmul, by n
 * @param roundTripMicros one float in and out again, waited for: what a stage boundary costs
 *     however little crosses it
 */
public record DeviceProfile(String key, SortedMap<Integer, Double> matmulGflops, double bandwidthGBs, double transferGBs,
                            double launchMicros, double roundTripMicros) {
    public DeviceProfile {
        if (matmulGflops.isEmpty()) throw new IllegalArgumentException("a profile needs a matmul figure");
        matmulGflops = Collections.unmodifiableSortedMap(new TreeMap<>(matmulGflops));
        for (double v : matmulGflops.values()) positive(v);
        positive(bandwidthGBs);
        positive(transferGBs);
        if (!(launchMicros >= 0)) throw new IllegalArgumentException("launch overhead must be >= 0, got " + launchMicros);
        if (!(roundTripMicros >= 0)) throw new IllegalArgumentException("round-trip latency must be >= 0, got " + roundTripMicros);
    }

    private static void positive(double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException("a profile's rates must be positive and finite, got " + v);
    }

    /** The matmul rate at the largest size measured: the device's speed, for splitting work in proportion. */
    public double speed() {
        return matmulGflops.get(matmulGflops.lastKey());
    }

    /** Estimated seconds of {@code op} here: a launch, plus its arithmetic or its memory traffic, whichever is slower. */
    public double seconds(Op op) {
        long bytes = 0;
        for (long e : op.argElements()) bytes += 4 * e;
        double compute = op.flops() / (1e9 * gflopsFor(op));
        return launchMicros * 1e-6 + Math.max(compute, bytes / (1e9 * bandwidthGBs));
    }

    /** Estimated seconds to copy {@code bytes} between the host and this device, one way. */
    public double transferSeconds(long bytes) {
        return bytes / (1e9 * transferGBs);
    }

    /** A matmul runs at the rate measured for the nearest size by work; any other operator at the best rate measured. */
    private double gflopsFor(Op op) {
        if (!(op instanceof Op.Matmul)) return matmulGflops.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double n = Math.cbrt(op.flops() / 2.0);
        int nearest = matmulGflops.firstKey();
        for (int size : matmulGflops.keySet())
            if (Math.abs(Math.log(size / n)) < Math.abs(Math.log(nearest / n))) nearest = size;
        return matmulGflops.get(nearest);
    }

    /** The figures by name, for printing and caching. */
    public Map<String, Double> figures() {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        matmulGflops.forEach((n, g) -> m.put("matmul_" + n + "_gflops", g));
        m.put("bandwidth_gbs", bandwidthGBs);
        m.put("transfer_gbs", transferGBs);
        m.put("launch_us", launchMicros);
        m.put("round_trip_us", roundTripMicros);
        return m;
    }
}
