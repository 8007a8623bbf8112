package jvit.vit.train;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import jvit.runtime.Tensor;
import jvit.vit.model.ViTWeights;

/**
 * AdamW's state for every parameter: its gradient (on the device only) and the two moments (host
 * memory, copied to the device once and read back for checkpoints). Weight decay applies to the
 * weight matrices only: not to norms, biases, the class token or the position embedding (timm's
 * rule: no decay on 1-D parameters and on {@code pos_embed}, {@code cls_token}).
 */
public final class Optimizer {
    /** One parameter and what AdamW keeps for it. */
    public record Slot(Tensor param, Tensor grad, Tensor m, Tensor v, boolean decays) {}

    private final List<Slot> slots = new ArrayList<>();

    public Optimizer(ViTWeights weights, Arena arena) {
        for (Tensor p : weights.all()) {
            long[] shape = p.shape();
            boolean decays = shape.length >= 2 && !p.name().equals("pos_embed") && !p.name().equals("cls_token");
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
