package jvit.vit.report;

/**
 * One case's figures on one device, or on a peer: what ran, its work, and its timed runs.
 *
 * @param kind {@code kernel}, {@code forward} or {@code train step}
 * @param name the kernel case ({@code matmul_fc1}) or the model ({@code ViT-S/16})
 * @param shape the kernel's sizes in words; for a model, empty
 * @param batch images a run processes (1 for a kernel)
 * @param device a device id, or a peer's ({@link ForwardPeer#id()})
 * @param footprintBytes the tensors the case holds on the device; 0 where unknown (the peer)
 */
public record Result(String kind, String name, String shape, int batch, String device, long flops, long bytes,
                     long footprintBytes, Measurement measurement) {
    public static final String KERNEL = "kernel";

    public boolean isKernel() { return kind.equals(KERNEL); }

    /** The same case on another device: same kind, name and batch. */
    public boolean sameCase(Result other) {
        return kind.equals(other.kind) && name.equals(other.name) && batch == other.batch;
    }

    public double imagesPerSecond() { return batch / measurement.seconds(); }

    public double gflops() { return flops / measurement.seconds() / 1e9; }

    public double gbps() { return bytes / measurement.seconds() / 1e9; }
}
