package jvit.vit.benchmark;

import java.util.Locale;
import java.util.Optional;
import jvit.runtime.Device;

/**
 * Whether a case can run on a device, asked before it is loaded: a device may lack a kernel for
 * an operator (the OpenCL and CUDA devices have none for training's yet), and a large model may
 * not fit in memory.
 */
public final class Support {
    /** Of the memory available when a case is loaded, the share its tensors may take. */
    static final double MEMORY_SHARE = 0.8;

    private Support() {}

    /** Why {@code device} cannot run {@code op}'s kind of operator, found by loading it at a small size; empty if it can. */
    public static Optional<String> missingKernel(Device device, KernelCase c) {
        KernelCase small = KernelCases.ofModel(ModelCases.tinyConfig(), 1).stream().filter(t -> t.op().getClass() == c.op().getClass())
                .findFirst().orElse(c);
        try (Workload w = KernelWorkload.open(small.op(), device)) {
            return Optional.empty();
        } catch (UnsupportedOperationException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Why {@code device} cannot run a whole {@code step}, found by loading a tiny ViT's, which has every operator of the real one; empty if it can. */
    public static Optional<String> missingKernel(Device device, ModelCase.Step step) {
        try (Workload w = new ModelCase("tiny ViT", ModelCases.tinyConfig(), 1, step).open(device)) {
            return Optional.empty();
        } catch (UnsupportedOperationException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Why a case of this cost does not fit in the memory available now; empty if it does. */
    public static Optional<String> tooLarge(GraphCost cost) {
        long available = HostMemory.availableBytes();
        return cost.footprintBytes() <= MEMORY_SHARE * available ? Optional.empty()
                : Optional.of(String.format(Locale.ROOT, "its tensors need %.1f GiB and %.1f GiB of memory is available",
                        cost.footprintBytes() / (double) (1L << 30), available / (double) (1L << 30)));
    }
}
