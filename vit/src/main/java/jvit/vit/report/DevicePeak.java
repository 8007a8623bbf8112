package jvit.vit.report;

/**
 * The limits a device's kernels are measured against, found in the same run: compute from a large
 * matmul's best run, or from the hardware (clock × FMA width) where that is known and higher, and
 * memory bandwidth from a large elementwise add's best run.
 *
 * @param matmulGflops the large matmul's best run
 * @param hardwareGflops cores × FMA pipes × lanes × 2 flops × the measured clock; NaN where unknown
 * @param hardware how {@code hardwareGflops} was reckoned, in words; empty where unknown
 * @param bandwidthGbps the large add's best run, bytes as the operator counts them (each argument once)
 */
public record DevicePeak(double matmulGflops, double hardwareGflops, String hardware, double bandwidthGbps) {
    /** The compute peak floors use: the higher of the two (a matmul cannot beat the hardware; an unknown hardware peak is NaN). */
    public double gflops() {
        return Double.isNaN(hardwareGflops) ? matmulGflops : Math.max(matmulGflops, hardwareGflops);
    }

    public double computeFloorSeconds(long flops) { return flops / (gflops() * 1e9); }

    public double memoryFloorSeconds(long bytes) { return bytes / (bandwidthGbps * 1e9); }

    /** The least time the work can take here: whichever of compute and memory binds. */
    public double floorSeconds(long flops, long bytes) {
        return Math.max(computeFloorSeconds(flops), memoryFloorSeconds(bytes));
    }

    /** {@code compute} or {@code memory}: which floor binds. */
    public String bound(long flops, long bytes) {
        return computeFloorSeconds(flops) >= memoryFloorSeconds(bytes) ? "compute" : "memory";
    }
}
