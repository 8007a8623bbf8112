package jvit.vit.benchmark;

import java.util.ArrayList;
import java.util.List;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.runtime.UserError;
import jvit.vit.ViTConfig;
import jvit.vit.ViTPresets;

/**
 * The kernels the benchmarks time: every operator of the catalogue at the size it has in a ViT
 * (ViT-B/16 at 224², 8 images, as the project's earlier results), and square matmuls.
 */
public final class KernelCases {
    /** The model and batch whose shapes the kernels take. */
    static final ViTConfig MODEL = ViTPresets.get("ViT-B/16");
    static final int BATCH = 8;

    private KernelCases() {}

    /** Every operator, forward and backward, at ViT-B/16's shapes for 8 images, then the square matmuls. */
    public static List<KernelCase> all() {
        List<KernelCase> cases = new ArrayList<>(ofModel(MODEL, BATCH));
        for (int n : new int[] {512, 1024, 2048}) cases.add(square(n, true));
        cases.add(square(2048, false));
        return cases;
    }

    /** A few: the largest matmul of a block, the row-wise kernels, attention and its gradient. */
    public static List<KernelCase> quick() {
        return select(all(), "matmul_fc1", "layernorm", "softmax", "attention", "gelu", "layernorm_backward", "attention_backward");
    }

    /** The case of that name among {@link #all()}. */
    public static KernelCase named(String name) {
        return all().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new UserError("no kernel case '" + name + "'; the cases are "
                        + String.join(", ", all().stream().map(KernelCase::name).toList())));
    }

    /** An {@code n×n×n} product, A·Bᵀ (a Linear weight's layout) or A·B. */
    public static KernelCase square(int n, boolean transposedB) {
        return new KernelCase("matmul_square_" + n + (transposedB ? "" : "_nn"), new Op.Matmul(1, n, n, n, false, transposedB, false, Activation.NONE));
    }

    /** Every operator of a forward and a training step of {@code config} at {@code batch} images, at its shape there. */
    public static List<KernelCase> ofModel(ViTConfig c, int batch) {
        int h = c.hidden(), mlp = c.mlpDim(), tokens = c.tokens(), rows = batch * tokens, patches = c.grid() * c.grid();
        int size = c.imageSize(), heads = c.heads();
        float eps = (float) c.layerNormEps();
        long mlpElements = (long) rows * mlp;
        return List.of(
                new KernelCase("patch_embed", new Op.PatchEmbed(batch, c.channels(), size, size, c.patchSize(), h)),
                new KernelCase("embed_tokens", new Op.EmbedTokens(batch, patches, h)),
                new KernelCase("layernorm", new Op.LayerNorm(rows, h, eps)),
                new KernelCase("matmul_qkv", Op.Matmul.linear(rows, h, 3 * h, Activation.NONE)),
                new KernelCase("qk_split", new Op.QkSplit(rows, heads, c.headDim())),
                new KernelCase("qk_merge", new Op.QkMerge(rows, heads, c.headDim())),
                new KernelCase("attention", new Op.Attention(batch, tokens, heads, c.headDim())),
                new KernelCase("matmul_proj", Op.Matmul.linear(rows, h, h, Activation.NONE)),
                new KernelCase("add", new Op.Add((long) rows * h)),
                new KernelCase("layer_scale", new Op.LayerScale(rows, h)),
                new KernelCase("matmul_fc1", Op.Matmul.linear(rows, h, mlp, Activation.GELU)),
                new KernelCase("matmul_fc2", Op.Matmul.linear(rows, mlp, h, Activation.NONE)),
                new KernelCase("matmul_scores", new Op.Matmul(batch * heads, tokens, tokens, c.headDim(), false, true, false, Activation.NONE)),
                new KernelCase("softmax", new Op.Softmax(batch * heads * tokens, tokens)),
                new KernelCase("gelu", new Op.Gelu(mlpElements)),
                new KernelCase("class_token", new Op.ClassToken(batch, tokens, h)),
                new KernelCase("token_pool", new Op.TokenPool(batch, tokens, h, 1, Op.Pooling.AVGMAX)),
                new KernelCase("latent_attention", new Op.LatentAttention(batch, tokens, 1, heads, c.headDim())),
                new KernelCase("cross_entropy", new Op.CrossEntropy(batch, c.numLabels(), 0.1f)),
                new KernelCase("class_token_backward", new Op.ClassTokenBackward(batch, tokens, h)),
                new KernelCase("token_pool_backward", new Op.TokenPoolBackward(batch, tokens, h, 1, Op.Pooling.AVGMAX)),
                new KernelCase("latent_attention_backward", new Op.LatentAttentionBackward(batch, tokens, 1, heads, c.headDim())),
                new KernelCase("matmul_fc2_dx", new Op.Matmul(1, rows, mlp, h, false, false, false, Activation.NONE)),
                new KernelCase("matmul_fc2_dw", Op.Matmul.weightGradient(rows, mlp, h)),
                new KernelCase("sum_rows", new Op.SumRows(rows, h)),
                new KernelCase("layer_scale_backward", new Op.LayerScaleBackward(rows, h)),
                new KernelCase("gelu_backward", new Op.GeluBackward(mlpElements)),
                new KernelCase("layernorm_backward", new Op.LayerNormBackward(rows, h, eps)),
                new KernelCase("attention_backward", new Op.AttentionBackward(batch, tokens, heads, c.headDim())),
                new KernelCase("embed_tokens_backward", new Op.EmbedTokensBackward(batch, patches, h)),
                new KernelCase("patch_embed_backward", new Op.PatchEmbedBackward(batch, c.channels(), size, size, c.patchSize(), h)),
                new KernelCase("fill", new Op.Fill(1, 0)),
                new KernelCase("accumulate_squares", new Op.AccumulateSquares((long) mlp * h)),
                new KernelCase("adamw", new Op.AdamW((long) mlp * h, 0.9f, 0.999f, 1e-8f, 0.05f, 1)));
    }

    /** The cases of these names, in this order. */
    static List<KernelCase> select(List<KernelCase> cases, String... names) {
        List<KernelCase> chosen = new ArrayList<>();
        for (String name : names)
            chosen.add(cases.stream().filter(c -> c.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no kernel case " + name)));
        return chosen;
    }
}
