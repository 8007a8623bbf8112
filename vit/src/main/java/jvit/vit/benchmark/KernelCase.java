package jvit.vit.benchmark;

import java.util.Arrays;
import jvit.kernels.Op;

/**
 * An operator at the size a benchmark times it, under a name that says which (for example
 * {@code matmul_fc1}: ViT's first MLP layer). Elementwise operators are described by their largest argument.
 */
public record KernelCase(String name, Op op) {
    /** The operator's sizes in a few words: {@code 1576×3072×768 A·Bᵀ +bias GELU}, {@code 1576×768}. */
    public String shape() {
        return switch (op) {
            case Op.Matmul o -> (o.batch() > 1 ? o.batch() + "×" : "") + o.m() + "×" + o.n() + "×" + o.k()
                    + (o.transposedA() ? " Aᵀ" : " A") + (o.transposedB() ? "·Bᵀ" : "·B") + (o.bias() ? " +bias" : "")
                    + (o.activation() != Op.Activation.NONE ? " " + o.activation() : "");
            case Op.LayerNorm o -> o.rows() + "×" + o.dim();
            case Op.LayerNormBackward o -> o.rows() + "×" + o.dim();
            case Op.Softmax o -> o.rows() + "×" + o.dim();
            case Op.Attention o -> o.batch() + "×" + o.tokens() + " tokens, " + o.heads() + "×" + o.headDim();
            case Op.AttentionBackward o -> o.batch() + "×" + o.tokens() + " tokens, " + o.heads() + "×" + o.headDim();
            case Op.PatchEmbed o -> o.batch() + "×" + o.channels() + "×" + o.height() + "², /" + o.patch() + " → " + o.hidden();
            case Op.PatchEmbedBackward o -> o.batch() + "×" + o.channels() + "×" + o.height() + "², /" + o.patch() + " → " + o.hidden();
            case Op.SumRows o -> o.rows() + "×" + o.cols();
            case Op.LayerScale o -> o.rows() + "×" + o.dim();
            case Op.LayerScaleBackward o -> o.rows() + "×" + o.dim();
            case Op.CrossEntropy o -> o.rows() + "×" + o.classes();
            default -> String.format("%,d elements", Arrays.stream(op.argElements()).max().orElseThrow());
        };
    }
}
