package jvit.kernels.cpu;

import java.lang.foreign.MemorySegment;
import jvit.kernels.Op;

/** Applies a catalogue operator with the Java (CPU) kernels. */
public final class CpuKernels {
    private CpuKernels() {}

    /** Runs {@code op} on {@code args}, outputs first, as {@link Op} documents. */
    public static void run(Op op, MemorySegment... args) {
        switch (op) {
            case Op.Matmul o when o.accumulate() -> Matmul.forwardAdding(args[0], args[1], args[2], o.bias() ? args[3] : null,
                    o.batch(), o.m(), o.n(), o.k(), o.transposedA(), o.transposedB());
            case Op.Matmul o -> Matmul.forward(args[0], args[1], args[2], o.bias() ? args[3] : null,
                    o.batch(), o.m(), o.n(), o.k(), o.transposedA(), o.transposedB(), o.activation());
            case Op.LayerNorm o -> LayerNorm.forward(args[0], args[1], args[2], args[3], o.rows(), o.dim(), o.eps());
            case Op.Softmax o -> Softmax.forward(args[0], args[1], o.rows(), o.dim());
            case Op.Attention o -> Attention.forward(args[0], args[1], o.batch(), o.tokens(), o.heads(), o.headDim());
            case Op.Gelu o -> Gelu.forward(args[0], args[1], o.n(), o.form());
            case Op.QkSplit o -> QkHeads.split(args[0], args[1], args[2], o.rows(), o.heads(), o.headDim());
            case Op.QkMerge o -> QkHeads.merge(args[0], args[1], args[2], args[3], o.rows(), o.heads(), o.headDim());
            case Op.Add o -> Add.forward(args[0], args[1], args[2], o.n());
            case Op.LayerScale o -> LayerScale.forward(args[0], args[1], args[2], o.rows(), o.dim());
            case Op.LayerScaleBackward o -> LayerScale.backward(args[0], args[1], args[2], o.rows(), o.dim());
            case Op.PatchEmbed o -> PatchEmbed.forward(args[0], args[1], args[2], args[3],
                    o.batch(), o.channels(), o.height(), o.width(), o.patch(), o.hidden());
            case Op.EmbedTokens o -> EmbedTokens.forward(args[0], args[1], o.prefix() > 0 ? args[2] : null, args[args.length - 1],
                    o.batch(), o.prefix(), o.patches(), o.hidden(), o.positionsFrom());
            case Op.ClassToken o -> ClassToken.forward(args[0], args[1], o.batch(), o.tokens(), o.hidden(), o.token());
            case Op.TokenPool o -> TokenPool.forward(args[0], args[1], o.batch(), o.tokens(), o.hidden(), o.prefix(), o.pooling());
            case Op.TokenPoolBackward o -> TokenPool.backward(args[0], args[1], args[2], o.batch(), o.tokens(), o.hidden(), o.prefix(),
                    o.pooling());
            case Op.LatentAttention o -> LatentAttention.forward(args[0], args[1], args[2], o.batch(), o.tokens(), o.from(), o.heads(),
                    o.headDim());
            case Op.LatentAttentionBackward o -> LatentAttention.backward(args[0], args[1], args[2], args[3], args[4], o.batch(), o.tokens(),
                    o.from(), o.heads(), o.headDim());
            case Op.SumRows o -> SumRows.forward(args[0], args[1], o.rows(), o.cols());
            case Op.GeluBackward o -> Gelu.backward(args[0], args[1], args[2], o.n(), o.form());
            case Op.LayerNormBackward o -> LayerNorm.backward(args[0], args[1], args[2], args[3], args[4], args[5],
                    o.rows(), o.dim(), o.eps());
            case Op.AttentionBackward o -> Attention.backward(args[0], args[1], args[2], o.batch(), o.tokens(), o.heads(), o.headDim());
            case Op.CrossEntropy o -> CrossEntropy.forward(args[0], args[1], args[2], args[3], o.rows(), o.classes(), o.smoothing());
            case Op.PatchEmbedBackward o -> PatchEmbed.backward(args[0], args[1], args[2], args[3],
                    o.batch(), o.channels(), o.height(), o.width(), o.patch(), o.hidden());
            case Op.EmbedTokensBackward o -> EmbedTokens.backward(args[0], o.prefix() > 0 ? args[1] : null, args[args.length - 2],
                    args[args.length - 1], o.batch(), o.prefix(), o.patches(), o.hidden(), o.forward().positionsFrom());
            case Op.ClassTokenBackward o -> ClassToken.backward(args[0], args[1], o.batch(), o.tokens(), o.hidden(), o.token());
            case Op.Fill o -> Norms.fill(args[0], o.n(), o.value());
            case Op.AccumulateSquares o -> Norms.accumulateSquares(args[0], args[1], o.n());
            case Op.AdamW o -> AdamW.forward(args[0], args[1], args[2], args[3], args[4], args[5], o.n(),
                    o.beta1(), o.beta2(), o.eps(), o.weightDecay(), o.maxNorm());
        }
    }
}
