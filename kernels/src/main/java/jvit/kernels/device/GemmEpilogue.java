package jvit.kernels.device;

import java.util.List;
import java.util.Optional;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.device.KernelArg.Int;
import jvit.kernels.device.KernelArg.Null;
import jvit.kernels.device.KernelArg.Tensor;

/**
 * The bias and activation of a matmul as a kernel of their own, for a device that computes the
 * product with a vendor library (cuBLAS) instead of {@code matmul.cl}, which fuses them. One
 * thread per element of C, rewritten in place.
 */
public final class GemmEpilogue {
    private GemmEpilogue() {}

    /** The launch that finishes {@code op} after its bare product, or empty when it has neither bias nor activation. */
    public static Optional<KernelLaunch> launch(Op.Matmul op, DeviceLimits limits) {
        if (!op.bias() && op.activation() == Activation.NONE) return Optional.empty();
        long total = op.argElements()[0];
        if (total > Integer.MAX_VALUE)
            throw new IllegalArgumentException(op + " has " + total + " outputs; device kernels index with 32-bit ints");
        int group = Math.min(DeviceKernels.GROUP, limits.maxWorkGroupSize());
        long groups = (total + group - 1) / group;
        List<KernelArg> args = List.of(new Tensor(0), op.bias() ? new Tensor(3) : new Null(), new Int(op.n()), new Int((int) total),
                new Int(op.activation().code()));
        return Optional.of(new KernelLaunch(new KernelProgram("bias_activation.cl", List.of()), "bias_activation",
                new long[] {groups * group}, new long[] {group}, args));
    }
}
