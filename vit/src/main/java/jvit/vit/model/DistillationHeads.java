package jvit.vit.model;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import jvit.runtime.Tensor;

/**
 * DeiT's distilled models have two heads, {@code head} on the class token and {@code head_dist} on
 * the distillation token; without a teacher (inference, and {@code vit train}) their logits are
 * averaged, as timm's {@code VisionTransformerDistilled} and Hugging Face's
 * {@code DeiTForImageClassificationWithTeacher} do. The halving is a {@code LayerScale} by a
 * constant ½ per class, so it needs no operator of its own; its gradient is the same scaling.
 */
public final class DistillationHeads {
    private DistillationHeads() {}

    /** {@code [classes]} halves, a constant the graph copies to the device once. */
    public static Tensor half(int classes) {
        Tensor half = Tensor.allocate("heads.half", Arena.ofAuto(), classes);
        for (int i = 0; i < classes; i++) half.host().setAtIndex(ValueLayout.JAVA_FLOAT, i, 0.5f);
        return half;
    }
}
