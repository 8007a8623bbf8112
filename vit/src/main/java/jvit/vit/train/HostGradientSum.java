package jvit.vit.train;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import jvit.runtime.Device;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.Tensor;
import jvit.vit.model.ViTWeights;

/**
 * The update of a step whose gradients come back to the host in parts (data-parallel shares,
 * pipeline micro-batches): the parts added up, each weighted by its share of the batch, in the
 * order given (so that a step is reproducible), then clipping and AdamW on one device, which copies
 * the parameters out for the next step's parts to copy in.
 */
final class HostGradientSum implements AutoCloseable {
    private final Optimizer optimizer;
    private final Map<Tensor, Tensor> summed;
    private final ExecutionPlan update;

    HostGradientSum(ViTWeights weights, Optimizer optimizer, TrainSettings settings, Tensor schedule, Device device, Arena arena) {
        this.optimizer = optimizer;
        this.summed = gradients(optimizer, arena);
        this.update = new ExecutionPlan(TrainingGraph.recordUpdate(weights, optimizer, summed::get, settings, schedule), device);
    }

    /** Host tensors for one part's gradients, one per parameter. */
    static Map<Tensor, Tensor> gradients(Optimizer optimizer, Arena arena) {
        Map<Tensor, Tensor> grads = new LinkedHashMap<>();
        for (Optimizer.Slot s : optimizer.slots()) grads.put(s.param(), Tensor.allocate("grad." + s.param().name(), arena, s.param().shape()));
        return grads;
    }

    /** Starts a step's sum at zero. */
    void clear() {
        for (Tensor t : summed.values()) t.host().fill((byte) 0);
    }

    /** Adds a part's gradients (by parameter: all of them, or those a pipeline stage makes), times {@code weight}. */
    void add(Map<Tensor, Tensor> part, float weight) {
        for (Map.Entry<Tensor, Tensor> e : part.entrySet()) {
            MemorySegment from = e.getValue().host(), to = summed.get(e.getKey()).host();
            for (long j = 0; j < e.getKey().elements(); j++)
                to.setAtIndex(ValueLayout.JAVA_FLOAT, j, to.getAtIndex(ValueLayout.JAVA_FLOAT, j) + weight * from.getAtIndex(ValueLayout.JAVA_FLOAT, j));
        }
    }

    /** Clips the sum by its global norm and applies AdamW; the parameters come back to the host. */
    void apply() {
        update.execute();
    }

    /** Copies both AdamW moments to their host memory, for a checkpoint. */
    void copyMomentsToHost() {
        for (Optimizer.Slot s : optimizer.slots()) update.transferToHost(s.m(), s.v());
    }

    @Override
    public void close() {
        update.close();
    }
}
