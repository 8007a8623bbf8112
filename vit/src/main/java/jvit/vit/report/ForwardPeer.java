package jvit.vit.report;

import java.nio.file.Path;

/**
 * A peer that runs a whole ViT forward pass on the weights and images jvit wrote: NumPy, PyTorch
 * eager, ONNX Runtime. Results carry its {@link #id()} in place of a device id.
 */
public interface ForwardPeer {
    /** {@code numpy}, {@code pytorch}, {@code onnxruntime}. */
    String id();

    /**
     * Starts a forward pass of the model in {@code modelDir} (config.json, model.safetensors) on the
     * images in {@code images} (.npy); the session writes its logits to {@code logits} by the end
     * of its first {@link Session#run}. Throws {@link NumpyPeer.Unavailable} where it cannot.
     */
    Session open(Path modelDir, Path images, Path logits);

    /** A loaded forward pass that can be timed again and again. */
    interface Session extends AutoCloseable {
        /**
         * Blocks until the peer has loaded and warmed up, so that no timing (jvit's or another
         * peer's) shares the cores with a peer still loading; throws {@link NumpyPeer.Unavailable}
         * if it fails to.
         */
        default void awaitReady() {}

        /** Nanoseconds of {@code runs} timed forward passes. */
        long[] run(int runs);

        /** The libraries that ran it and how, as words; empty until the first run. */
        String description();

        @Override
        void close();
    }

    /** What people call a peer. */
    static String label(String id) {
        return switch (id) {
            case NumpyPeer.ID -> "NumPy";
            case TorchPeer.PYTORCH -> "PyTorch";
            case TorchPeer.ONNXRUNTIME -> "ONNX Runtime";
            default -> id;
        };
    }

    /** Whether a result's device id names a peer rather than a jvit device. */
    static boolean isPeer(String id) {
        return id.equals(NumpyPeer.ID) || id.equals(TorchPeer.PYTORCH) || id.equals(TorchPeer.ONNXRUNTIME);
    }
}
