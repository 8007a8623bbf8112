package jvit.vit.model;

import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.runtime.DataTransferMode;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import jvit.vit.ViTConfig;

/**
 * The ViT forward pass as a task graph, read top to bottom like the paper (pre-norm, as in timm's
 * {@code VisionTransformer} and HF's {@code ViTForImageClassification}):
 *
 * <pre>
 * x = patch_embed(image); x = [cls, dist, reg..., x] + pos     (pos on the patches only with no_embed_class)
 * x = norm_pre(x)                                              (pre_norm, CLIP's, where the model has it)
 * for each block: x = x + ls1 * proj(attention(qkv(norm1(x))));  x = x + ls2 * fc2(gelu(fc1(norm2(x))))
 *                 (ls1, ls2: LayerScale, per channel, where the model has it; gelu in the config's form;
 *                 with qk_norm, the queries and keys normed per head before attention: q_norm, k_norm)
 * logits = head(norm(x[:, 0]))                  (the class token; timm's global_pool 'token')
 *          head(fc_norm(pool(x[:, 1:])))      (timm's 'avg', 'max', 'avgmax', its fc_norm after pooling)
 *          head(pool(norm(x)))                (the same without fc_norm; Dinov2: pool = [x[:, 0], mean(x[:, 1:])];
 *                                              'map': y = proj(attention(latent query, x[:, 1:])), pool = y + mlp(norm(y)))
 *          DeiT distilled: (head(norm(x[:, 0])) + head_dist(norm(x[:, 1]))) / 2
 * </pre>
 *
 * Weights are copied to the device once; the images in and the logits out move every execution.
 * Activations live on the device, and each block reuses the previous block's buffers.
 */
public final class ForwardGraph {
    private ForwardGraph() {}

    /**
     * @param images host tensor {@code [batch, channels, size, size]}, normalised
     * @param logits host tensor {@code [batch, classes]}, written by every execution
     */
    public static ImmutableTaskGraph record(ViTWeights w, Tensor images, Tensor logits) {
        ViTConfig c = w.config();
        int batch = (int) images.shape()[0];
        int h = c.hidden(), patches = c.grid() * c.grid(), tokens = c.tokens(), rows = batch * tokens;
        float eps = (float) c.layerNormEps();

        Tensor embedded = Tensor.onDevice("patches", batch, patches, h);
        Tensor x = Tensor.onDevice("x", batch, tokens, h);
        Tensor normed = Tensor.onDevice("normed", batch, tokens, h);
        Tensor qkv = Tensor.onDevice("qkv", batch, tokens, 3 * h);
        Tensor attended = Tensor.onDevice("attended", batch, tokens, h);
        Tensor branch = Tensor.onDevice("branch", batch, tokens, h);
        Tensor hidden = Tensor.onDevice("mlp_hidden", batch, tokens, c.mlpDim());
        // qk_norm: the queries and keys moved out of qkv, normed over the head dimension, and back.
        long headRows = (long) rows * c.heads();
        Tensor q = c.qkNorm() ? Tensor.onDevice("q", headRows, c.headDim()) : null, k = c.qkNorm() ? Tensor.onDevice("k", headRows, c.headDim()) : null;
        Tensor qNormed = c.qkNorm() ? Tensor.onDevice("q_normed", headRows, c.headDim()) : null;
        Tensor kNormed = c.qkNorm() ? Tensor.onDevice("k_normed", headRows, c.headDim()) : null;
        Tensor qkvNormed = c.qkNorm() ? Tensor.onDevice("qkv_normed", batch, tokens, 3 * h) : null;

        Tensor half = c.distilled() ? DistillationHeads.half(c.numLabels()) : null;
        // pre_norm's patch embedding has no bias (timm's, CLIP's): the operator adds zeros.
        Tensor patchBias = w.patchBias() != null ? w.patchBias() : Tensor.onDevice("patch_embed.no_bias", h);
        TaskGraph g = new TaskGraph("vit_forward")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, w.all().toArray(Tensor[]::new));
        if (half != null) g.transferToDevice(DataTransferMode.FIRST_EXECUTION, half);
        g.transferToDevice(DataTransferMode.EVERY_EXECUTION, images);
        if (w.patchBias() == null) g.task("patch_embed.no_bias", new Op.Fill(h, 0), patchBias);
        g.task("patch_embed", new Op.PatchEmbed(batch, c.channels(), c.imageSize(), c.imageSize(), c.patchSize(), h),
                        embedded, images, w.patchWeight(), patchBias)
                .task("embed_tokens", new Op.EmbedTokens(batch, c.prefixTokens(), patches, h, !c.noEmbedClass()),
                        embedTokensArgs(c.preNorm() ? normed : x, embedded, w.prefixTokens(), w.positions()));
        if (c.preNorm()) g.task("norm_pre", new Op.LayerNorm(rows, h, eps), x, normed, w.normPreWeight(), w.normPreBias());

        for (int i = 0; i < w.blocks().size(); i++) {
            ViTWeights.Block b = w.blocks().get(i);
            String n = "blocks." + i + ".";
            g.task(n + "norm1", new Op.LayerNorm(rows, h, eps), normed, x, b.norm1Weight(), b.norm1Bias());
            if (b.qkvBias() != null)
                g.task(n + "attn.qkv", Op.Matmul.linear(rows, h, 3 * h, Activation.NONE), qkv, normed, b.qkvWeight(), b.qkvBias());
            else
                g.task(n + "attn.qkv", new Op.Matmul(1, rows, 3 * h, h, false, true, false, Activation.NONE), qkv, normed, b.qkvWeight());
            if (c.qkNorm()) {
                int hr = Math.toIntExact(headRows);
                g.task(n + "attn.qk_split", new Op.QkSplit(rows, c.heads(), c.headDim()), q, k, qkv)
                        .task(n + "attn.q_norm", new Op.LayerNorm(hr, c.headDim(), eps), qNormed, q, b.qNormWeight(), b.qNormBias())
                        .task(n + "attn.k_norm", new Op.LayerNorm(hr, c.headDim(), eps), kNormed, k, b.kNormWeight(), b.kNormBias())
                        .task(n + "attn.qk_merge", new Op.QkMerge(rows, c.heads(), c.headDim()), qkvNormed, qkv, qNormed, kNormed);
            }
            g.task(n + "attn", new Op.Attention(batch, tokens, c.heads(), c.headDim()), attended, c.qkNorm() ? qkvNormed : qkv);
            residualLinear(g, n, 1, "attn.proj", x, branch, attended, b.projWeight(), b.projBias(), b.ls1());
            g.task(n + "norm2", new Op.LayerNorm(rows, h, eps), normed, x, b.norm2Weight(), b.norm2Bias())
                    .task(n + "mlp.fc1", Op.Matmul.linear(rows, h, c.mlpDim(), c.activation()), hidden, normed, b.fc1Weight(), b.fc1Bias());
            residualLinear(g, n, 2, "mlp.fc2", x, branch, hidden, b.fc2Weight(), b.fc2Bias(), b.ls2());
        }
        if (c.distilled()) {
            Tensor cls = Tensor.onDevice("cls", batch, h), clsNormed = Tensor.onDevice("cls_normed", batch, h);
            g.task("class_token", new Op.ClassToken(batch, tokens, h), cls, x)
                    .task("norm", new Op.LayerNorm(batch, h, eps), clsNormed, cls, w.normWeight(), w.normBias());
            Tensor dist = Tensor.onDevice("dist", batch, h), distNormed = Tensor.onDevice("dist_normed", batch, h);
            Tensor clsLogits = Tensor.onDevice("cls_logits", batch, c.numLabels()), distLogits = Tensor.onDevice("dist_logits", batch, c.numLabels());
            g.task("head", Op.Matmul.linear(batch, h, c.numLabels(), Activation.NONE), clsLogits, clsNormed, w.headWeight(), w.headBias())
                    .task("dist_token", new Op.ClassToken(batch, tokens, h, 1), dist, x)
                    .task("norm.dist", new Op.LayerNorm(batch, h, eps), distNormed, dist, w.normWeight(), w.normBias())
                    .task("head_dist", Op.Matmul.linear(batch, h, c.numLabels(), Activation.NONE), distLogits, distNormed,
                            w.headDistWeight(), w.headDistBias())
                    .task("heads.sum", new Op.Add((long) batch * c.numLabels()), distLogits, clsLogits, distLogits)
                    .task("heads.average", new Op.LayerScale(batch, c.numLabels()), logits, distLogits, half);
            return g.transferToHost(DataTransferMode.EVERY_EXECUTION, logits).snapshot();
        }
        Tensor pooled = Tensor.onDevice("pooled", batch, c.headInputs());
        if (c.normsEveryToken()) g.task("norm", new Op.LayerNorm(rows, h, eps), normed, x, w.normWeight(), w.normBias());
        if (c.pool() == ViTConfig.Pool.MAP) attentionPool(g, w, batch, pooled, c.normsEveryToken() ? normed : x);
        else pool(g, c, batch, pooled, c.normsEveryToken() ? normed : x);
        Tensor features = pooled;
        if (!c.normsEveryToken()) {
            features = Tensor.onDevice("pooled_normed", batch, h);
            g.task(c.fcNorm() ? "fc_norm" : "norm", new Op.LayerNorm(batch, h, eps), features, pooled, w.normWeight(), w.normBias());
        }
        return g.task("head", Op.Matmul.linear(batch, c.headInputs(), c.numLabels(), Activation.NONE), logits, features, w.headWeight(),
                        w.headBias())
                .transferToHost(DataTransferMode.EVERY_EXECUTION, logits)
                .snapshot();
    }

    /** EmbedTokens' tensors: without prefix tokens ({@code pre} null: no class token, no registers) the operator takes no pre. */
    public static Tensor[] embedTokensArgs(Tensor out, Tensor patches, Tensor pre, Tensor pos) {
        return pre != null ? new Tensor[] {out, patches, pre, pos} : new Tensor[] {out, patches, pos};
    }

    /** The head's input from the last tokens {@code x}: the class token, or a pooling of the patch tokens after the prefix. */
    public static void pool(TaskGraph g, ViTConfig c, int batch, Tensor pooled, Tensor x) {
        if (c.pool() == ViTConfig.Pool.TOKEN) g.task("class_token", new Op.ClassToken(batch, c.tokens(), c.hidden()), pooled, x);
        else g.task("pool", poolOp(c, batch), pooled, x);
    }

    /** timm's {@code AttentionPoolLatent}: {@code y = proj(attention(q(latent), kv(x)))}, {@code pooled = y + fc2(gelu(fc1(norm(y))))}. */
    private static void attentionPool(TaskGraph g, ViTWeights w, int batch, Tensor pooled, Tensor x) {
        ViTConfig c = w.config();
        ViTWeights.AttentionPool p = w.attentionPool();
        int h = c.hidden(), mlp = c.mlpDim();
        Tensor q = Tensor.onDevice("attn_pool.query", 1, h), kv = Tensor.onDevice("attn_pool.keys_values", batch, c.tokens(), 2 * h);
        Tensor attended = Tensor.onDevice("attn_pool.attended", batch, h), y = Tensor.onDevice("attn_pool.y", batch, h);
        Tensor normed = Tensor.onDevice("attn_pool.normed", batch, h), hidden = Tensor.onDevice("attn_pool.mlp_hidden", batch, mlp);
        Tensor branch = Tensor.onDevice("attn_pool.branch", batch, h);
        g.task("attn_pool.q", Op.Matmul.linear(1, h, h, Activation.NONE), q, p.latent(), p.qWeight(), p.qBias())
                .task("attn_pool.kv", Op.Matmul.linear(batch * c.tokens(), h, 2 * h, Activation.NONE), kv, x, p.kvWeight(), p.kvBias())
                .task("attn_pool.attn", latentAttention(c, batch), attended, q, kv)
                .task("attn_pool.proj", Op.Matmul.linear(batch, h, h, Activation.NONE), y, attended, p.projWeight(), p.projBias())
                .task("attn_pool.norm", new Op.LayerNorm(batch, h, (float) c.layerNormEps()), normed, y, p.normWeight(), p.normBias())
                .task("attn_pool.mlp.fc1", Op.Matmul.linear(batch, h, mlp, c.activation()), hidden, normed, p.fc1Weight(), p.fc1Bias())
                .task("attn_pool.mlp.fc2", Op.Matmul.linear(batch, mlp, h, Activation.NONE), branch, hidden, p.fc2Weight(), p.fc2Bias())
                .task("attn_pool.residual", new Op.Add((long) batch * h), pooled, y, branch);
    }

    /** The latent query's attention over {@code c}'s tokens past its prefix tokens, as timm's pool() hands them to attn_pool. */
    public static Op.LatentAttention latentAttention(ViTConfig c, int batch) {
        return new Op.LatentAttention(batch, c.tokens(), c.tokens() - c.grid() * c.grid(), c.heads(), c.headDim());
    }

    /** The pooling of {@code c}'s tokens past its prefix tokens (all but the patches). */
    public static Op.TokenPool poolOp(ViTConfig c, int batch) {
        return new Op.TokenPool(batch, c.tokens(), c.hidden(), c.tokens() - c.grid() * c.grid(), c.pool().pooling());
    }

    /**
     * {@code x += layer(input)}, block {@code block}'s residual branch {@code number} ending in {@code layer}: one matmul
     * adding to x (no branch tensor, no add: a pass over the activations fewer), or with a layer scale, the layer into
     * {@code branch}, scaled, then added.
     */
    private static void residualLinear(TaskGraph g, String block, int number, String layer, Tensor x, Tensor branch, Tensor input,
                                       Tensor weight, Tensor bias, Tensor scale) {
        int out = Math.toIntExact(x.shape()[2]), in = Math.toIntExact(input.shape()[2]), rows = Math.toIntExact(x.elements() / out);
        if (scale == null) {
            g.task(block + layer, Op.Matmul.residualLinear(rows, in, out), x, input, weight, bias, x);
            return;
        }
        g.task(block + layer, Op.Matmul.linear(rows, in, out, Activation.NONE), branch, input, weight, bias)
                .task(block + "ls" + number, new Op.LayerScale(rows, out), branch, branch, scale)
                .task(block + "residual" + number, new Op.Add((long) rows * out), x, x, branch);
    }
}
