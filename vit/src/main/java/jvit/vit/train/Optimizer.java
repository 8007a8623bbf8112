package jvit.vit.train;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import jvit.runtime.Tensor;
import jvit.vit.model.ViTWeights;

/**
 * AdamW's state for every parameter: its gradient (on the device only) and the two moments (host
 * memory, copied to the device once and read back for checkpoints). Weight decay applies to the
 * weight matrices only: not to norms, biases, the class, distillation and register tokens or the position
 * embedding (timm 1.0's rule: no decay on 1-D parameters and on {@code pos_embed}, {@code cls_token},
 * {@code reg_token}, {@code dist_token}). Where the prefix tokens are one tensor ({@code prefix_tokens}:
 * class token with a distillation token or registers), none of it decays.
 */
public final class Optimizer {
    /** One parameter and what AdamW keeps for it. */
    public record Slot(Tensor param, Tensor grad, Tensor m, Tensor v, boolean decays) {}

    private static final java.util.Set<String> NO_DECAY = java.util.Set.of("pos_embed", "cls_token", "reg_token", "dist_token",
            "prefix_tokens");

    private final List<Slot> slots = new ArrayList<>();

    public Optimizer(ViTWeights weights, Arena arena) {
        for (Tensor p : weights.all()) {
            long[] shape = p.shape();
            boolean decays = shape.length >= 2 && !NO_DECAY.contains(p.name());
            slots.add(new Slot(p, Tensor.onDevice("grad." + p.name(), shape),
                    Tensor.allocate("m." + p.name(), arena, shape), Tensor.allocate("v." + p.name(), arena, shape), decays));
        }
    }

    public List<Slot> slots() { return slots; }

    /** The gradient tensor of a parameter. */
    public Tensor grad(Tensor param) {
        for (Slot s : slots) if (s.param() == param) return s.grad();
        throw new IllegalArgumentException(param + " is not a parameter");
    }
}
