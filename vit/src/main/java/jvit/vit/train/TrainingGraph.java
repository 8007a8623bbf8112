package jvit.vit.train;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.runtime.DataTransferMode;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import jvit.vit.ViTConfig;
import jvit.vit.model.ForwardGraph;
import jvit.vit.model.DistillationHeads;
import jvit.vit.model.ViTWeights;
import jvit.vit.model.ViTWeights.Block;

/**
 * One training step as a task graph: the forward pass keeping what the backward pass needs, the
 * loss, the backward pass block by block in reverse (llm.c's order), the gradients' global norm,
 * and an AdamW update of every parameter. Parameters and optimiser state are copied to the device
 * once and stay there; images, labels and the step's schedule go in and the losses and logits
 * come out every step.
 *
 * <p>A linear layer {@code y = x·Wᵀ + b} over R rows has gradients {@code dx = dy·W},
 * {@code dW = dyᵀ·x} (a matmul that reads A transposed) and {@code db = Σ_rows dy}.
 */
public final class TrainingGraph {
    /** The tensors a step exchanges with the host. */
    public record Io(Tensor images, Tensor labels, Tensor schedule, Tensor losses, Tensor logits) {
        /** Tensors like these for {@code rows} images: a part of the batch (the schedule is shared). */
        Io part(int rows, Arena arena) {
            long[] image = images.shape();
            image[0] = rows;
            return new Io(Tensor.allocate("images", arena, image), Tensor.allocate("labels", arena, rows), schedule,
                    Tensor.allocate("losses", arena, rows), Tensor.allocate("logits", arena, rows, logits.shape()[1]));
        }

        /** Fills this part's images and labels with the batch's, from row {@code first}. */
        void copyInputsFrom(Io batch, int first) {
            long imageBytes = images.bytes() / rows();
            MemorySegment.copy(batch.images.host(), first * imageBytes, images.host(), 0, rows() * imageBytes);
            MemorySegment.copy(batch.labels.host(), 4L * first, labels.host(), 0, 4L * rows());
        }

        /** Puts this part's losses and logits into the batch's, from row {@code first}. */
        void copyOutputsTo(Io batch, int first) {
            long classBytes = 4 * logits.shape()[1];
            MemorySegment.copy(losses.host(), 0, batch.losses.host(), 4L * first, 4L * rows());
            MemorySegment.copy(logits.host(), 0, batch.logits.host(), first * classBytes, rows() * classBytes);
        }

        int rows() { return (int) images.shape()[0]; }
    }

    /** What the forward pass keeps of one block for the backward pass. */
    private record Saved(Tensor in, Tensor ln1, Tensor qkv, Tensor att, Tensor proj, Tensor mid, Tensor ln2, Tensor fc1, Tensor gelu,
                         Tensor fc2, Tensor out, QkNorm qkNorm) {}

    /** What qk_norm keeps: the queries and keys before their norms, and the attention's input after them. */
    private record QkNorm(Tensor q, Tensor k, Tensor qkv) {}

    private final ViTWeights w;
    private final Optimizer optimizer;
    /** Where each parameter's gradient goes: the optimiser's device tensors, or a data-parallel worker's host tensors. */
    private final Function<Tensor, Tensor> gradOf;
    private final TrainSettings settings;
    private final ViTConfig c;
    private final int batch, tokens, rows, h, mlp;
    private final float eps;
    private final TaskGraph g = new TaskGraph("vit_train_step");
    /** Buffers that need not outlive a task or a block, shared by name and shape. */
    private final java.util.Map<String, Tensor> scratch = new java.util.HashMap<>();

    private TrainingGraph(ViTWeights w, Optimizer optimizer, Function<Tensor, Tensor> gradOf, TrainSettings settings, int batch) {
        this.w = w;
        this.optimizer = optimizer;
        this.gradOf = gradOf;
        this.settings = settings;
        this.c = w.config();
        this.batch = batch;
        this.tokens = c.tokens();
        this.rows = batch * tokens;
        this.h = c.hidden();
        this.mlp = c.mlpDim();
        this.eps = (float) c.layerNormEps();
    }

    /**
     * @param io images {@code [batch, C, S, S]}, labels {@code [batch]} (class indices as floats),
     *     schedule {@code [3]} (lr, 1 - β1^t, 1 - β2^t), losses {@code [batch]}, logits {@code [batch, classes]}
     */
    public static ImmutableTaskGraph record(ViTWeights weights, Optimizer optimizer, TrainSettings settings, Io io) {
        TrainingGraph t = new TrainingGraph(weights, optimizer, optimizer::grad, settings, (int) io.images().shape()[0]);
        List<Tensor> state = new ArrayList<>();
        for (Optimizer.Slot s : optimizer.slots()) state.addAll(List.of(s.param(), s.m(), s.v()));
        t.g.transferToDevice(DataTransferMode.FIRST_EXECUTION, state.toArray(Tensor[]::new))
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, io.images(), io.labels(), io.schedule());
        t.forwardBackward(io);
        t.update(io.schedule());
        return t.g.transferToHost(DataTransferMode.EVERY_EXECUTION, io.losses(), io.logits()).snapshot();
    }

    /**
     * A data-parallel worker's part of a step: forward and backward over its share of the batch, the
     * parameters copied in every step (another graph updates them) and the gradients, into
     * {@code gradOf}'s host tensors, copied out. The schedule in {@code io} is not read.
     */
    public static ImmutableTaskGraph recordGradients(ViTWeights weights, Optimizer optimizer, Function<Tensor, Tensor> gradOf,
                                                     TrainSettings settings, Io io) {
        TrainingGraph t = new TrainingGraph(weights, optimizer, gradOf, settings, (int) io.images().shape()[0]);
        t.g.transferToDevice(DataTransferMode.EVERY_EXECUTION, weights.all().toArray(Tensor[]::new))
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, io.images(), io.labels());
        t.forwardBackward(io);
        return t.g.transferToHost(DataTransferMode.EVERY_EXECUTION, optimizer.slots().stream().map(s -> gradOf.apply(s.param())).toArray(Tensor[]::new))
                .transferToHost(DataTransferMode.EVERY_EXECUTION, io.losses(), io.logits()).snapshot();
    }

    /**
     * The update of a data-parallel step: the gradients (summed on the host, in {@code gradOf}'s
     * tensors) copied in, clipped and applied by AdamW; the parameters copied out for the workers.
     */
    public static ImmutableTaskGraph recordUpdate(ViTWeights weights, Optimizer optimizer, Function<Tensor, Tensor> gradOf,
                                                  TrainSettings settings, Tensor schedule) {
        TrainingGraph t = new TrainingGraph(weights, optimizer, gradOf, settings, 1);
        List<Tensor> state = new ArrayList<>();
        for (Optimizer.Slot s : optimizer.slots()) state.addAll(List.of(s.param(), s.m(), s.v()));
        t.g.transferToDevice(DataTransferMode.FIRST_EXECUTION, state.toArray(Tensor[]::new))
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, optimizer.slots().stream().map(s -> gradOf.apply(s.param())).toArray(Tensor[]::new))
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, schedule);
        t.update(schedule);
        return t.g.transferToHost(DataTransferMode.EVERY_EXECUTION, weights.all().toArray(Tensor[]::new)).snapshot();
    }

    private void forwardBackward(Io io) {
        // Forward.
        int patches = c.grid() * c.grid(), classes = c.numLabels();
        Tensor embedded = act("patches", batch, patches, h), x = act("x0", batch, tokens, h);
        Tensor tokensIn = c.preNorm() ? act("tokens", batch, tokens, h) : x; // pre_norm: x0 = norm_pre(tokens)
        // pre_norm's patch embedding has no bias (timm's, CLIP's): zeros in, and its gradient dropped.
        Tensor patchBias = w.patchBias() != null ? w.patchBias() : act("patch_embed.no_bias", h);
        if (w.patchBias() == null) g.task("patch_embed.no_bias", new Op.Fill(h, 0), patchBias);
        g.task("patch_embed", new Op.PatchEmbed(batch, c.channels(), c.imageSize(), c.imageSize(), c.patchSize(), h),
                        embedded, io.images(), w.patchWeight(), patchBias)
                .task("embed_tokens", new Op.EmbedTokens(batch, c.prefixTokens(), patches, h, !c.noEmbedClass()),
                        ForwardGraph.embedTokensArgs(tokensIn, embedded, w.prefixTokens(), w.positions()));
        if (c.preNorm()) g.task("norm_pre", new Op.LayerNorm(rows, h, eps), x, tokensIn, w.normPreWeight(), w.normPreBias());
        List<Saved> saved = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            Saved s = blockForward(i, w.blocks().get(i), x);
            saved.add(s);
            x = s.out();
        }
        Tensor dx = c.distilled() ? distilledHeads(io, x) : head(io, x);
        Tensor dnext = act("d.x.other", batch, tokens, h);
        for (int i = c.layers() - 1; i >= 0; i--) {
            blockBackward(i, w.blocks().get(i), saved.get(i), dx, dnext);
            Tensor t = dx; // the block wrote its input's gradient into dnext
            dx = dnext;
            dnext = t;
        }
        Tensor dpatches = act("d.patches", batch, patches, h);
        if (c.preNorm()) {
            g.task("norm_pre.backward", new Op.LayerNormBackward(rows, h, eps), dnext, grad(w.normPreWeight()), grad(w.normPreBias()),
                    dx, tokensIn, w.normPreWeight());
            dx = dnext;
        }
        Op.EmbedTokensBackward embedBackward = new Op.EmbedTokensBackward(batch, c.prefixTokens(), patches, h, !c.noEmbedClass());
        if (w.prefixTokens() != null)
            g.task("embed_tokens.backward", embedBackward, dpatches, grad(w.prefixTokens()), grad(w.positions()), dx);
        else g.task("embed_tokens.backward", embedBackward, dpatches, grad(w.positions()), dx);
        g.task("patch_embed.backward", new Op.PatchEmbedBackward(batch, c.channels(), c.imageSize(), c.imageSize(),
                        c.patchSize(), h), grad(w.patchWeight()), w.patchBias() != null ? grad(w.patchBias()) : act("d.patch_embed.no_bias", h),
                        dpatches, io.images());
    }

    /**
     * The head (ForwardGraph's), the loss, and their backward pass: the final norm over every token then pooling, or
     * pooling then the norm. Returns the gradient of the last block's output.
     */
    private Tensor head(Io io, Tensor x) {
        int in = c.headInputs();
        boolean everyToken = c.normsEveryToken();
        Tensor last = x, normed = everyToken ? act("normed", batch, tokens, h) : null;
        Tensor pooled = act("pooled", batch, in), features = everyToken ? pooled : act("pooled_normed", batch, h);
        Tensor dlogits = act("d.logits", batch, c.numLabels());
        if (everyToken) g.task("norm", new Op.LayerNorm(rows, h, eps), normed, last, w.normWeight(), w.normBias());
        AttentionPoolSaved attentionPool = c.pool() == ViTConfig.Pool.MAP ? attentionPool(everyToken ? normed : last, pooled) : null;
        if (attentionPool == null) ForwardGraph.pool(g, c, batch, pooled, everyToken ? normed : last);
        if (!everyToken) g.task(c.fcNorm() ? "fc_norm" : "norm", new Op.LayerNorm(batch, h, eps), features, pooled, w.normWeight(), w.normBias());
        g.task("head", Op.Matmul.linear(batch, in, c.numLabels(), Activation.NONE), io.logits(), features, w.headWeight(), w.headBias())
                .task("loss", new Op.CrossEntropy(batch, c.numLabels(), (float) settings.labelSmoothing()),
                        io.losses(), dlogits, io.logits(), io.labels());

        // Backward.
        Tensor dfeatures = act("d.features", batch, in), dpooled = everyToken ? dfeatures : act("d.pooled", batch, h);
        linearBackward("head", dlogits, features, w.headWeight(), w.headBias(), dfeatures, batch, in, c.numLabels());
        if (!everyToken) g.task("norm.backward", new Op.LayerNormBackward(batch, h, eps), dpooled, grad(w.normWeight()),
                grad(w.normBias()), dfeatures, pooled, w.normWeight());
        Tensor dx = act("d.x", batch, tokens, h), dpoolIn = everyToken ? act("d.normed", batch, tokens, h) : dx;
        if (c.pool() == ViTConfig.Pool.TOKEN) g.task("class_token.backward", new Op.ClassTokenBackward(batch, tokens, h), dpoolIn, dpooled);
        else if (attentionPool != null) attentionPoolBackward(attentionPool, dpooled, dpoolIn);
        else {
            Op.TokenPool p = ForwardGraph.poolOp(c, batch);
            g.task("pool.backward", new Op.TokenPoolBackward(batch, tokens, h, p.prefix(), p.pooling()), dpoolIn, dpooled,
                    everyToken ? normed : last);
        }
        if (everyToken) g.task("norm.backward", new Op.LayerNormBackward(rows, h, eps), dx, grad(w.normWeight()), grad(w.normBias()),
                dpoolIn, last, w.normWeight());
        return dx;
    }

    /** DeiT's two heads on the class and distillation tokens, averaged, the loss, and their backward pass: the last block's output's gradient. */
    private Tensor distilledHeads(Io io, Tensor x) {
        int classes = c.numLabels();
        Tensor cls = act("cls", batch, h), clsNormed = act("cls_normed", batch, h);
        Tensor dlogits = act("d.logits", batch, classes);
        g.task("class_token", new Op.ClassToken(batch, tokens, h), cls, x)
                .task("norm", new Op.LayerNorm(batch, h, eps), clsNormed, cls, w.normWeight(), w.normBias());
        // DeiT's two heads, averaged (DistillationHeads): both learn the label, as timm trains them without a teacher.
        Tensor dist = act("dist", batch, h), distNormed = act("dist_normed", batch, h), half = DistillationHeads.half(classes);
        Tensor clsLogits = act("cls_logits", batch, classes), sum = act("heads.sum", batch, classes);
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, half)
                .task("head", Op.Matmul.linear(batch, h, classes, Activation.NONE), clsLogits, clsNormed, w.headWeight(), w.headBias())
                .task("dist_token", new Op.ClassToken(batch, tokens, h, 1), dist, x)
                .task("norm.dist", new Op.LayerNorm(batch, h, eps), distNormed, dist, w.normWeight(), w.normBias())
                .task("head_dist", Op.Matmul.linear(batch, h, classes, Activation.NONE), sum, distNormed, w.headDistWeight(),
                        w.headDistBias())
                .task("heads.sum", new Op.Add((long) batch * classes), sum, clsLogits, sum)
                .task("heads.average", new Op.LayerScale(batch, classes), io.logits(), sum, half);
        g.task("loss", new Op.CrossEntropy(batch, classes, (float) settings.labelSmoothing()), io.losses(), dlogits, io.logits(), io.labels());

        // Backward.
        Tensor dclsNormed = act("d.cls_normed", batch, h), dcls = act("d.cls", batch, h);
        Tensor dx = act("d.x", batch, tokens, h);
        Tensor dhead = act("d.heads", batch, classes);
        g.task("heads.average.backward", new Op.LayerScale(batch, classes), dhead, dlogits, half);
        linearBackward("head", dhead, clsNormed, w.headWeight(), w.headBias(), dclsNormed, batch, h, classes);
        g.task("norm.backward", new Op.LayerNormBackward(batch, h, eps), dcls, grad(w.normWeight()), grad(w.normBias()),
                dclsNormed, cls, w.normWeight());
        g.task("class_token.backward", new Op.ClassTokenBackward(batch, tokens, h), dx, dcls);
        // The final norm serves both tokens: the distillation token's share of its gradients is added to the class token's.
        Tensor ddistNormed = act("d.dist_normed", batch, h), ddist = act("d.dist", batch, h), dxDist = act("d.x.dist", batch, tokens, h);
        Tensor dnormWeight = act("d.norm.weight.dist", h), dnormBias = act("d.norm.bias.dist", h);
        linearBackward("head_dist", dhead, distNormed, w.headDistWeight(), w.headDistBias(), ddistNormed, batch, h, classes);
        g.task("norm.dist.backward", new Op.LayerNormBackward(batch, h, eps), ddist, dnormWeight, dnormBias, ddistNormed, dist,
                        w.normWeight())
                .task("norm.dist.backward.weight", new Op.Add(h), grad(w.normWeight()), grad(w.normWeight()), dnormWeight)
                .task("norm.dist.backward.bias", new Op.Add(h), grad(w.normBias()), grad(w.normBias()), dnormBias)
                .task("dist_token.backward", new Op.ClassTokenBackward(batch, tokens, h, 1), dxDist, ddist)
                .task("dist_token.backward.sum", new Op.Add((long) batch * tokens * h), dx, dx, dxDist);
        return dx;
    }

    /** What the attention pool's forward pass keeps for its backward pass. */
    private record AttentionPoolSaved(Tensor in, Tensor q, Tensor kv, Tensor attended, Tensor y, Tensor normed, Tensor fc1, Tensor gelu) {}

    /** timm's AttentionPoolLatent over {@code in} into {@code pooled}, as ForwardGraph's (the GELU apart, its input kept). */
    private AttentionPoolSaved attentionPool(Tensor in, Tensor pooled) {
        ViTWeights.AttentionPool p = w.attentionPool();
        String n = "attn_pool.";
        var s = new AttentionPoolSaved(in, act(n + "query", 1, h), act(n + "keys_values", batch, tokens, 2 * h), act(n + "attended", batch, h),
                act(n + "y", batch, h), act(n + "normed", batch, h), act(n + "fc1", batch, mlp), act(n + "gelu", batch, mlp));
        Tensor branch = act(n + "branch", batch, h);
        g.task(n + "q", Op.Matmul.linear(1, h, h, Activation.NONE), s.q(), p.latent(), p.qWeight(), p.qBias())
                .task(n + "kv", Op.Matmul.linear(rows, h, 2 * h, Activation.NONE), s.kv(), in, p.kvWeight(), p.kvBias())
                .task(n + "attn", ForwardGraph.latentAttention(c, batch), s.attended(), s.q(), s.kv())
                .task(n + "proj", Op.Matmul.linear(batch, h, h, Activation.NONE), s.y(), s.attended(), p.projWeight(), p.projBias())
                .task(n + "norm", new Op.LayerNorm(batch, h, eps), s.normed(), s.y(), p.normWeight(), p.normBias())
                .task(n + "mlp.fc1", Op.Matmul.linear(batch, h, mlp, Activation.NONE), s.fc1(), s.normed(), p.fc1Weight(), p.fc1Bias())
                .task(n + "mlp.gelu", new Op.Gelu((long) batch * mlp, c.activation()), s.gelu(), s.fc1())
                .task(n + "mlp.fc2", Op.Matmul.linear(batch, mlp, h, Activation.NONE), branch, s.gelu(), p.fc2Weight(), p.fc2Bias())
                .task(n + "residual", new Op.Add((long) batch * h), pooled, s.y(), branch);
        return s;
    }

    /**
     * From {@code dpooled}, the attention pool's parameter gradients and, into {@code din}, its input's. The query is
     * shared by the batch: its per-image gradients are summed before the latent's.
     */
    private void attentionPoolBackward(AttentionPoolSaved s, Tensor dpooled, Tensor din) {
        ViTWeights.AttentionPool p = w.attentionPool();
        String n = "attn_pool.";
        Tensor dgelu = act("d." + n + "gelu", batch, mlp), dfc1 = act("d." + n + "fc1", batch, mlp), dnormed = act("d." + n + "normed", batch, h);
        Tensor dbranch = act("d." + n + "branch", batch, h), dy = act("d." + n + "y", batch, h), dattended = act("d." + n + "attended", batch, h);
        Tensor dqs = act("d." + n + "query_per_image", batch, h), dq = act("d." + n + "query", 1, h);
        Tensor dkv = act("d." + n + "keys_values", batch, tokens, 2 * h);
        // pooled = y + fc2(gelu(fc1(norm(y))))
        linearBackward(n + "mlp.fc2", dpooled, s.gelu(), p.fc2Weight(), p.fc2Bias(), dgelu, batch, mlp, h);
        g.task(n + "mlp.gelu.backward", new Op.GeluBackward((long) batch * mlp, c.activation()), dfc1, dgelu, s.fc1());
        linearBackward(n + "mlp.fc1", dfc1, s.normed(), p.fc1Weight(), p.fc1Bias(), dnormed, batch, h, mlp);
        g.task(n + "norm.backward", new Op.LayerNormBackward(batch, h, eps), dbranch, grad(p.normWeight()), grad(p.normBias()),
                        dnormed, s.y(), p.normWeight())
                .task(n + "residual.backward", new Op.Add((long) batch * h), dy, dpooled, dbranch);
        // y = proj(attention(q(latent), kv(in)))
        linearBackward(n + "proj", dy, s.attended(), p.projWeight(), p.projBias(), dattended, batch, h, h);
        Op.LatentAttention a = ForwardGraph.latentAttention(c, batch);
        g.task(n + "attn.backward", new Op.LatentAttentionBackward(batch, tokens, a.from(), c.heads(), c.headDim()), dqs, dkv, dattended,
                        s.q(), s.kv())
                .task(n + "query.backward.sum", new Op.SumRows(batch, h), dq, dqs);
        linearBackward(n + "q", dq, p.latent(), p.qWeight(), p.qBias(), grad(p.latent()), 1, h, h);
        linearBackward(n + "kv", dkv, s.in(), p.kvWeight(), p.kvBias(), din, rows, h, 2 * h);
    }

    /** Global-norm clipping and AdamW over every parameter's gradient. */
    private void update(Tensor schedule) {
        Tensor norm2 = act("grad_norm2", 1);
        g.task("grad_norm.clear", new Op.Fill(1, 0), norm2);
        for (Optimizer.Slot s : optimizer.slots())
            g.task("grad_norm." + s.param().name(), new Op.AccumulateSquares(s.param().elements()), norm2, grad(s.param()));
        for (Optimizer.Slot s : optimizer.slots())
            g.task("adamw." + s.param().name(), new Op.AdamW(s.param().elements(), (float) settings.beta1(), (float) settings.beta2(),
                            (float) settings.eps(), s.decays() ? (float) settings.weightDecay() : 0, (float) settings.clipNorm()),
                    s.param(), s.m(), s.v(), grad(s.param()), norm2, schedule);
    }

    private Saved blockForward(int i, Block b, Tensor in) {
        String n = "blocks." + i + ".";
        Tensor ln1 = act(n + "ln1", batch, tokens, h), qkv = act(n + "qkv", batch, tokens, 3 * h), att = act(n + "att", batch, tokens, h);
        // LayerScale's gradient needs the branches before scaling: then they are kept, else shared.
        boolean ls = b.ls1() != null;
        Tensor proj = ls ? act(n + "proj", batch, tokens, h) : scratch("proj", batch, tokens, h);
        Tensor mid = act(n + "mid", batch, tokens, h), ln2 = act(n + "ln2", batch, tokens, h);
        Tensor fc1 = act(n + "fc1", batch, tokens, mlp), gelu = act(n + "gelu", batch, tokens, mlp);
        Tensor fc2 = ls ? act(n + "fc2", batch, tokens, h) : scratch("fc2", batch, tokens, h), out = act(n + "out", batch, tokens, h);
        Tensor scaled = scratch("scaled", batch, tokens, h);
        g.task(n + "norm1", new Op.LayerNorm(rows, h, eps), ln1, in, b.norm1Weight(), b.norm1Bias());
        linear(n + "attn.qkv", ln1, b.qkvWeight(), b.qkvBias(), qkv, h, 3 * h);
        QkNorm qk = b.qNormWeight() == null ? null : qkNormForward(n, b, qkv);
        g.task(n + "attn", new Op.Attention(batch, tokens, c.heads(), c.headDim()), att, qk == null ? qkv : qk.qkv());
        linear(n + "attn.proj", att, b.projWeight(), b.projBias(), proj, h, h);
        if (ls) g.task(n + "ls1", new Op.LayerScale(rows, h), scaled, proj, b.ls1());
        g.task(n + "residual1", new Op.Add((long) rows * h), mid, in, ls ? scaled : proj)
                .task(n + "norm2", new Op.LayerNorm(rows, h, eps), ln2, mid, b.norm2Weight(), b.norm2Bias());
        linear(n + "mlp.fc1", ln2, b.fc1Weight(), b.fc1Bias(), fc1, h, mlp);
        g.task(n + "mlp.gelu", new Op.Gelu((long) rows * mlp, c.activation()), gelu, fc1);
        linear(n + "mlp.fc2", gelu, b.fc2Weight(), b.fc2Bias(), fc2, mlp, h);
        if (ls) g.task(n + "ls2", new Op.LayerScale(rows, h), scaled, fc2, b.ls2());
        g.task(n + "residual2", new Op.Add((long) rows * h), out, mid, ls ? scaled : fc2);
        return new Saved(in, ln1, qkv, att, proj, mid, ln2, fc1, gelu, fc2, out, qk);
    }

    /** timm's qk_norm: the queries and keys of {@code qkv} normed per head over the head dimension, into a new attention input. */
    private QkNorm qkNormForward(String n, Block b, Tensor qkv) {
        int headRows = rows * c.heads(), d = c.headDim();
        Tensor q = act(n + "q", headRows, d), k = act(n + "k", headRows, d), normed = act(n + "qkv_normed", batch, tokens, 3 * h);
        Tensor qNormed = scratch("q_normed", headRows, d), kNormed = scratch("k_normed", headRows, d);
        g.task(n + "attn.qk_split", new Op.QkSplit(rows, c.heads(), d), q, k, qkv)
                .task(n + "attn.q_norm", new Op.LayerNorm(headRows, d, eps), qNormed, q, b.qNormWeight(), b.qNormBias())
                .task(n + "attn.k_norm", new Op.LayerNorm(headRows, d, eps), kNormed, k, b.kNormWeight(), b.kNormBias())
                .task(n + "attn.qk_merge", new Op.QkMerge(rows, c.heads(), d), normed, qkv, qNormed, kNormed);
        return new QkNorm(q, k, normed);
    }

    /** From {@code dqkv}, the gradient of the normed attention input, that of the projection's output {@code qkv}, returned. */
    private Tensor qkNormBackward(String n, Block b, QkNorm s, Tensor dqkv) {
        int headRows = rows * c.heads(), d = c.headDim();
        Tensor dq = scratch("d.q", headRows, d), dk = scratch("d.k", headRows, d), dprojected = scratch("d.qkv_projected", batch, tokens, 3 * h);
        Tensor dqNormed = scratch("d.q_normed", headRows, d), dkNormed = scratch("d.k_normed", headRows, d);
        g.task(n + "attn.qk_merge.backward", new Op.QkSplit(rows, c.heads(), d), dqNormed, dkNormed, dqkv)
                .task(n + "attn.q_norm.backward", new Op.LayerNormBackward(headRows, d, eps), dq, grad(b.qNormWeight()),
                        grad(b.qNormBias()), dqNormed, s.q(), b.qNormWeight())
                .task(n + "attn.k_norm.backward", new Op.LayerNormBackward(headRows, d, eps), dk, grad(b.kNormWeight()),
                        grad(b.kNormBias()), dkNormed, s.k(), b.kNormWeight())
                .task(n + "attn.qk_split.backward", new Op.QkMerge(rows, c.heads(), d), dprojected, dqkv, dq, dk);
        return dprojected;
    }

    /** From {@code dout}, the gradient of the block's output, writes its parameters' gradients and, into {@code din}, its input's. */
    private void blockBackward(int i, Block b, Saved s, Tensor dout, Tensor din) {
        String n = "blocks." + i + ".";
        Tensor dgelu = scratch("d.gelu", batch, tokens, mlp), dfc1 = scratch("d.fc1", batch, tokens, mlp);
        Tensor dln = scratch("d.ln", batch, tokens, h), dbranch = scratch("d.branch", batch, tokens, h);
        Tensor dmid = scratch("d.mid", batch, tokens, h), datt = scratch("d.att", batch, tokens, h);
        Tensor dqkv = scratch("d.qkv", batch, tokens, 3 * h), dscaled = scratch("d.scaled", batch, tokens, h);
        // out = mid + ls2 * fc2(gelu(fc1(norm2(mid))))
        linearBackward(n + "mlp.fc2", layerScaleBackward(n + "ls2", b.ls2(), dout, s.fc2(), dscaled), s.gelu(), b.fc2Weight(),
                b.fc2Bias(), dgelu, rows, mlp, h);
        g.task(n + "mlp.gelu.backward", new Op.GeluBackward((long) rows * mlp, c.activation()), dfc1, dgelu, s.fc1());
        linearBackward(n + "mlp.fc1", dfc1, s.ln2(), b.fc1Weight(), b.fc1Bias(), dln, rows, h, mlp);
        g.task(n + "norm2.backward", new Op.LayerNormBackward(rows, h, eps), dbranch, grad(b.norm2Weight()), grad(b.norm2Bias()),
                        dln, s.mid(), b.norm2Weight())
                .task(n + "residual2.backward", new Op.Add((long) rows * h), dmid, dout, dbranch);
        // mid = in + ls1 * proj(attention(qkv(norm1(in))))
        linearBackward(n + "attn.proj", layerScaleBackward(n + "ls1", b.ls1(), dmid, s.proj(), dscaled), s.att(), b.projWeight(),
                b.projBias(), datt, rows, h, h);
        g.task(n + "attn.backward", new Op.AttentionBackward(batch, tokens, c.heads(), c.headDim()), dqkv, datt,
                s.qkNorm() == null ? s.qkv() : s.qkNorm().qkv());
        Tensor dprojected = s.qkNorm() == null ? dqkv : qkNormBackward(n, b, s.qkNorm(), dqkv);
        linearBackward(n + "attn.qkv", dprojected, s.ln1(), b.qkvWeight(), b.qkvBias(), dln, rows, h, 3 * h);
        g.task(n + "norm1.backward", new Op.LayerNormBackward(rows, h, eps), dbranch, grad(b.norm1Weight()), grad(b.norm1Bias()),
                        dln, s.in(), b.norm1Weight())
                .task(n + "residual1.backward", new Op.Add((long) rows * h), din, dmid, dbranch);
    }

    /**
     * The gradient of a branch before LayerScale ({@code y = gamma * x}): {@code dgamma = Σ_rows dy * x}, and
     * {@code dx = gamma * dy} written into {@code dx} and returned; {@code dy} itself where there is no LayerScale.
     */
    private Tensor layerScaleBackward(String name, Tensor gamma, Tensor dy, Tensor x, Tensor dx) {
        if (gamma == null) return dy;
        g.task(name + ".backward.gamma", new Op.LayerScaleBackward(rows, h), grad(gamma), dy, x)
                .task(name + ".backward.input", new Op.LayerScale(rows, h), dx, dy, gamma);
        return dx;
    }

    private void linear(String name, Tensor x, Tensor weight, Tensor bias, Tensor y, int in, int out) {
        if (bias != null) g.task(name, Op.Matmul.linear(rows, in, out, Activation.NONE), y, x, weight, bias);
        else g.task(name, new Op.Matmul(1, rows, out, in, false, true, false, Activation.NONE), y, x, weight);
    }

    /**
     * Gradients of {@code y = x·Wᵀ + b} over {@code m} rows, {@code x [m, in]}, {@code W [out, in]}:
     * {@code dW = dyᵀ·x}, {@code db = Σ dy}, and {@code dx = dy·W} into {@code dx}.
     */
    private void linearBackward(String name, Tensor dy, Tensor x, Tensor weight, Tensor bias, Tensor dx, int m, int in, int out) {
        g.task(name + ".backward.weight", Op.Matmul.weightGradient(m, in, out), grad(weight), dy, x);
        if (bias != null) g.task(name + ".backward.bias", new Op.SumRows(m, out), grad(bias), dy);
        g.task(name + ".backward.input", new Op.Matmul(1, m, in, out, false, false, false, Activation.NONE), dx, dy, weight);
    }

    private Tensor grad(Tensor param) { return gradOf.apply(param); }

    private static Tensor act(String name, long... shape) { return Tensor.onDevice(name, shape); }

    private Tensor scratch(String purpose, long... shape) {
        String key = purpose + java.util.Arrays.toString(shape);
        return scratch.computeIfAbsent(key, k -> Tensor.onDevice(k, shape));
    }
}
