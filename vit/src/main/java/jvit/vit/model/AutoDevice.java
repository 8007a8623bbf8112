package jvit.vit.model;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.function.ToDoubleBiFunction;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Tensor;
import jvit.runtime.schedule.FastestDevice;
import jvit.runtime.schedule.GraphTimes;
import jvit.vit.ViTConfig;

/**
 * {@code --device auto} for inference: of the devices present, the one that runs this model's
 * forward pass at this batch fastest, by the pass's own timings, measured once per model shape and
 * device and cached ({@link GraphTimes}).
 */
public final class AutoDevice {
    private AutoDevice() {}

    /** {@code id} as {@link Devices#get} has it, except that {@code auto} is the fastest device for a forward pass of {@code weights}. */
    public static Device resolve(String id, ViTWeights weights, int batch) {
        if (id != null && !id.equals("auto")) return Devices.get(id);
        return choose(weights, batch, Devices.all(), GraphTimes.standard()).device();
    }

    /** The fastest of {@code candidates} for the forward pass of {@code weights} at {@code batch}, and each one's time. */
    public static FastestDevice.Choice choose(ViTWeights weights, int batch, List<Device> candidates,
                                              ToDoubleBiFunction<ImmutableTaskGraph, Device> seconds) {
        if (candidates.isEmpty()) return new FastestDevice.Choice(Devices.get("auto"), java.util.Map.of()); // says why there is none
        ViTConfig c = weights.config();
        try (Arena arena = Arena.ofShared()) {
            int size = c.imageSize();
            ImmutableTaskGraph graph = ForwardGraph.record(weights, Tensor.allocate("images", arena, batch, c.channels(), size, size),
                    Tensor.allocate("logits", arena, batch, c.numLabels()));
            return FastestDevice.pick(graph, candidates, seconds);
        }
    }

    /**
     * The same for a model of {@code config}'s shape, with zeroed weights of its own (timings do not
     * depend on the values), read-only as a model file's are: the {@code java} device packs writable
     * weights anew on every product (they may be training), which made its ViT-B/16 time at batch 1 3× too slow.
     */
    public static FastestDevice.Choice choose(ViTConfig config, int batch, List<Device> candidates,
                                              ToDoubleBiFunction<ImmutableTaskGraph, Device> seconds) {
        try (Arena arena = Arena.ofShared()) {
            return choose(ViTWeights.allocate(config, arena).readOnly(), batch, candidates, seconds);
        }
    }
}
