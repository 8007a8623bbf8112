package jvit.vit.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jvit.runtime.Tensor;
import jvit.runtime.UserError;
import jvit.vit.ViTConfig;
import jvit.vit.io.FloatTensor;

/**
 * Every weight of a ViT under timm's names (the patch embedding's bias null with pre_norm, as timm builds it), checked against the config: shapes right, nothing
 * missing. Float32 tensors from the file are used where they lie (memory-mapped); only Hugging
 * Face's separate query/key/value are concatenated into {@code qkv}, and the position embedding is
 * resampled when the config's image size differs from the checkpoint's. The prefix tokens (timm's
 * {@code cls_token}, {@code dist_token}, {@code reg_token}) are one tensor {@code [1, prefix, hidden]},
 * concatenated when there are several ({@link #fileTensors()} splits them again), null when there are none (no class token,
 * no registers).
 *
 * @param headDistWeight DeiT's second head ({@code head_dist}), on the distillation token; null (with its bias) when the model has none
 */
public record ViTWeights(ViTConfig config, Tensor patchWeight, Tensor patchBias, Tensor prefixTokens,
                         Tensor positions, List<Block> blocks, Tensor normWeight, Tensor normBias,
                         Tensor headWeight, Tensor headBias, Tensor headDistWeight, Tensor headDistBias,
                         AttentionPool attentionPool, Tensor normPreWeight, Tensor normPreBias) {
    /** One of the prefix tokens' tensors in a checkpoint: its timm name and how many tokens it holds. */
    private record PrefixPart(String timmName, int tokens) {}

    /**
     * timm's {@code AttentionPoolLatent} ({@code attn_pool}, global_pool 'map'), or null: a learned query
     * attending over the tokens, then proj, and a residual MLP behind its own norm.
     */
    public record AttentionPool(Tensor latent, Tensor qWeight, Tensor qBias, Tensor kvWeight, Tensor kvBias, Tensor projWeight,
                                Tensor projBias, Tensor normWeight, Tensor normBias, Tensor fc1Weight, Tensor fc1Bias,
                                Tensor fc2Weight, Tensor fc2Bias) {
        public List<Tensor> all() {
            return List.of(latent, qWeight, qBias, kvWeight, kvBias, projWeight, projBias, normWeight, normBias, fc1Weight, fc1Bias,
                    fc2Weight, fc2Bias);
        }
    }

    /**
     * One encoder block; {@code qkvBias} is null when the model has none, {@code ls1}/{@code ls2} (LayerScale's gammas) too,
     * and the query and key norms ({@code attn.q_norm}, {@code attn.k_norm}, over the head dimension) without qk_norm.
     */
    public record Block(Tensor norm1Weight, Tensor norm1Bias, Tensor qkvWeight, Tensor qkvBias,
                        Tensor projWeight, Tensor projBias, Tensor ls1, Tensor norm2Weight, Tensor norm2Bias,
                        Tensor fc1Weight, Tensor fc1Bias, Tensor fc2Weight, Tensor fc2Bias, Tensor ls2,
                        Tensor qNormWeight, Tensor qNormBias, Tensor kNormWeight, Tensor kNormBias) {
        public List<Tensor> all() {
            List<Tensor> all = new ArrayList<>(Arrays.asList(norm1Weight, norm1Bias, qkvWeight, qkvBias, qNormWeight, qNormBias,
                    kNormWeight, kNormBias, projWeight, projBias, ls1, norm2Weight, norm2Bias, fc1Weight, fc1Bias, fc2Weight, fc2Bias,
                    ls2));
            all.removeIf(t -> t == null);
            return all;
        }
    }

    /** Every weight tensor, in a fixed order. */
    public List<Tensor> all() {
        List<Tensor> all = new ArrayList<>(Arrays.asList(patchWeight, patchBias, prefixTokens, positions, normPreWeight, normPreBias));
        all.removeIf(t -> t == null);
        for (Block b : blocks) all.addAll(b.all());
        all.addAll(List.of(normWeight, normBias));
        if (attentionPool != null) all.addAll(attentionPool.all());
        all.addAll(List.of(headWeight, headBias));
        if (headDistWeight != null) all.addAll(List.of(headDistWeight, headDistBias));
        return all;
    }

    /**
     * These weights for square inputs of another side, as timm runs a model made with {@code dynamic_img_size}:
     * the position embedding resampled from the config's grid to the new one as the checkpoint's library
     * does it (at each call, in timm; once per size here), every other tensor shared.
     */
    public ViTWeights withImageSize(int side, Arena arena) {
        if (side == config.imageSize()) return this;
        ViTConfig sized = config.toBuilder().imageSize(side).build();
        int h = config.hidden(), prefix = config.positionTokens() - config.grid() * config.grid();
        Tensor resampled = Tensor.allocate("pos_embed", arena, 1, sized.positionTokens(), h);
        PositionEmbedding.resample(config.resampling(), prefix, positions.host(), config.grid(), resampled.host(), sized.grid(), h);
        return new ViTWeights(sized, patchWeight, patchBias, prefixTokens, resampled, blocks, normWeight, normBias, headWeight, headBias,
                headDistWeight, headDistBias, attentionPool, normPreWeight, normPreBias);
    }

    /**
     * The same weights as read-only views, as weights mapped from a file are: a device may then
     * keep its own packed copy of them (the {@code java} device's matmul does, for a server's or a
     * command's model; writable weights, a model being trained, it packs anew on every product).
     */
    public ViTWeights readOnly() {
        Map<String, Tensor> byName = new HashMap<>();
        for (Tensor t : all()) byName.put(t.name(), readOnly(t));
        return assemble(config, (name, shape) -> byName.get(name));
    }

    /**
     * {@code t} as a read-only view. Also every tensor the loader makes from a checkpoint's (Hugging
     * Face's separate q, k and v fused, positions resampled): a writable one had the default model's
     * qkv packed anew on every forward.
     */
    private static Tensor readOnly(Tensor t) {
        return Tensor.of(t.name(), t.host().asReadOnly(), t.shape());
    }

    /** Every weight tensor as a checkpoint file holds it, under timm's names: {@link #all()} with the prefix tokens split into views. */
    public List<Tensor> fileTensors() {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : all()) {
            if (t != prefixTokens) {
                out.add(t);
                continue;
            }
            long at = 0, h = config.hidden();
            for (PrefixPart part : prefixParts(config)) {
                out.add(Tensor.of(part.timmName(), t.host().asSlice(4 * at * h, 4L * part.tokens() * h), 1, part.tokens(), h));
                at += part.tokens();
            }
        }
        return out;
    }

    /** The checkpoint tensors of the prefix tokens, in sequence order: class token, distillation token, register tokens. */
    private static List<PrefixPart> prefixParts(ViTConfig config) {
        List<PrefixPart> parts = new ArrayList<>();
        if (config.classToken()) parts.add(new PrefixPart("cls_token", 1));
        if (config.distilled()) parts.add(new PrefixPart("dist_token", 1));
        if (config.regTokens() > 0) parts.add(new PrefixPart("reg_token", config.regTokens()));
        return parts;
    }

    /** jvit's name of the prefix tokens' tensor: the checkpoint's where it is one tensor (a plain ViT's {@code cls_token}). */
    private static String prefixName(ViTConfig config) {
        List<PrefixPart> parts = prefixParts(config);
        return parts.size() == 1 ? parts.getFirst().timmName() : "prefix_tokens";
    }

    /** The model's weights among a file's tensors, every one of which it must use. */
    public static ViTWeights from(ViTConfig config, Map<String, Tensor> tensors, Path file, Arena arena) {
        return from(config, tensors, file, arena, Set.of());
    }

    /**
     * Picks and checks the model's weights among a file's tensors.
     *
     * @param tensors the file's tensors by name, float32, with their shapes
     * @param file the file they came from, named in every error
     * @param arena memory for the tensors that must be built (fused qkv, resampled positions)
     * @param ignored tensors of the file the model may leave unused (a second head, say); every other one must be used
     */
    public static ViTWeights from(ViTConfig config, Map<String, Tensor> tensors, Path file, Arena arena, Set<String> ignored) {
        CheckpointNames names = CheckpointNames.detect(tensors.keySet());
        if (names == null)
            throw UserError.inFile(file, "has neither Hugging Face (vit.embeddings..., dinov2.embeddings...) nor timm (patch_embed...) ViT tensor names; it holds "
                    + tensors.keySet().stream().sorted().limit(3).collect(Collectors.joining(", "))
                    + (tensors.size() > 3 ? ", ..." : "") + " — give a ViTForImageClassification, Dinov2ForImageClassification or timm VisionTransformer checkpoint");
        for (String name : ignored)
            if (!tensors.containsKey(name))
                throw UserError.inFile(file, "has no tensor '" + name + "' to ignore; name only tensors the file holds");
        Set<String> unused = new HashSet<>(ignored);
        unused.addAll(names.unusedByClassifiers());
        var loader = new Loader(config, tensors, file, arena, names, unused);
        String prefix = prefixName(config);
        ViTWeights weights = assemble(config, (name, shape) -> name.equals("pos_embed") ? loader.positions()
                : name.equals(prefix) ? loader.prefixTokens() : loader.get(name, shape));
        loader.refuseUnused();
        return weights;
    }

    /**
     * Weights of the config's shapes, all zero, every tensor of one shape a view of the same
     * zeroed memory: a model whose graph is right and whose outputs mean nothing, for what
     * depends on shapes alone, such as which device kernels a graph needs.
     */
    public static ViTWeights zeros(ViTConfig config, Arena arena) {
        Map<List<Long>, MemorySegment> byShape = new HashMap<>();
        return assemble(config, (name, shape) -> Tensor.of(name, byShape.computeIfAbsent(
                Arrays.stream(shape).boxed().toList(), s -> arena.allocate(4 * FloatTensor.elements(shape), 64)), shape));
    }

    /**
     * Weights of the config's shapes in fresh, zeroed, writable memory, one allocation each: the
     * parameters of a model being trained.
     */
    public static ViTWeights allocate(ViTConfig config, Arena arena) {
        return assemble(config, (name, shape) -> Tensor.allocate(name, arena, shape));
    }

    /** Where the weights come from: the tensor with a timm name and a shape. */
    @FunctionalInterface
    private interface Source {
        Tensor get(String timmName, long... shape);
    }

    private static ViTWeights assemble(ViTConfig config, Source weights) {
        int h = config.hidden(), mlp = config.mlpDim(), p = config.patchSize(), d = config.headDim();
        boolean qk = config.qkNorm(), pre = config.preNorm();
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < config.layers(); i++) {
            String b = "blocks." + i + ".";
            blocks.add(new Block(
                    weights.get(b + "norm1.weight", h), weights.get(b + "norm1.bias", h),
                    weights.get(b + "attn.qkv.weight", 3 * h, h), config.qkvBias() ? weights.get(b + "attn.qkv.bias", 3 * h) : null,
                    weights.get(b + "attn.proj.weight", h, h), weights.get(b + "attn.proj.bias", h),
                    config.hasLayerScale() ? weights.get(b + "ls1.gamma", h) : null,
                    weights.get(b + "norm2.weight", h), weights.get(b + "norm2.bias", h),
                    weights.get(b + "mlp.fc1.weight", mlp, h), weights.get(b + "mlp.fc1.bias", mlp),
                    weights.get(b + "mlp.fc2.weight", h, mlp), weights.get(b + "mlp.fc2.bias", h),
                    config.hasLayerScale() ? weights.get(b + "ls2.gamma", h) : null,
                    qk ? weights.get(b + "attn.q_norm.weight", d) : null, qk ? weights.get(b + "attn.q_norm.bias", d) : null,
                    qk ? weights.get(b + "attn.k_norm.weight", d) : null, qk ? weights.get(b + "attn.k_norm.bias", d) : null));
        }
        int classes = config.numLabels();
        String norm = config.fcNorm() ? "fc_norm" : "norm"; // timm's final norm, moved after pooling: one or the other
        return new ViTWeights(config,
                weights.get("patch_embed.proj.weight", h, config.channels(), p, p),
                pre ? null : weights.get("patch_embed.proj.bias", h), // timm's patch embedding has no bias with pre_norm (CLIP's)
                config.prefixTokens() > 0 ? weights.get(prefixName(config), 1, config.prefixTokens(), h) : null,
                weights.get("pos_embed", 1, config.positionTokens(), h),
                blocks, weights.get(norm + ".weight", h), weights.get(norm + ".bias", h),
                weights.get("head.weight", classes, config.headInputs()), weights.get("head.bias", classes),
                config.distilled() ? weights.get("head_dist.weight", classes, h) : null,
                config.distilled() ? weights.get("head_dist.bias", classes) : null,
                config.pool() == ViTConfig.Pool.MAP ? new AttentionPool(weights.get("attn_pool.latent", 1, 1, h),
                        weights.get("attn_pool.q.weight", h, h), weights.get("attn_pool.q.bias", h),
                        weights.get("attn_pool.kv.weight", 2 * h, h), weights.get("attn_pool.kv.bias", 2 * h),
                        weights.get("attn_pool.proj.weight", h, h), weights.get("attn_pool.proj.bias", h),
                        weights.get("attn_pool.norm.weight", h), weights.get("attn_pool.norm.bias", h),
                        weights.get("attn_pool.mlp.fc1.weight", mlp, h), weights.get("attn_pool.mlp.fc1.bias", mlp),
                        weights.get("attn_pool.mlp.fc2.weight", h, mlp), weights.get("attn_pool.mlp.fc2.bias", h)) : null,
                pre ? weights.get("norm_pre.weight", h) : null, pre ? weights.get("norm_pre.bias", h) : null);
    }

    private record Loader(ViTConfig config, Map<String, Tensor> tensors, Path file, Arena arena, CheckpointNames names,
                          Set<String> used) {
        private static final Pattern BLOCK = Pattern.compile("(?:blocks|encoder\\.layer)\\.(\\d+)\\.");

        /**
         * A tensor the model does not use would be silently dropped, and the output would be wrong if
         * it mattered (LayerScale's gammas, the layers past the config's count): so it is refused.
         */
        void refuseUnused() {
            List<String> unused = tensors.keySet().stream().filter(n -> !used.contains(n)).sorted().toList();
            if (unused.isEmpty()) return;
            int blocks = unused.stream().map(BLOCK::matcher).filter(Matcher::find)
                    .mapToInt(m -> Integer.parseInt(m.group(1)) + 1).max().orElse(0);
            String why = blocks > config.layers()
                    ? "the file holds " + blocks + " encoder blocks but the config says " + config.layers()
                    : "jvit does not implement what it is for";
            throw UserError.inFile(file, "holds tensor '" + unused.getFirst() + "'" + (unused.size() > 1 ? " and " + (unused.size() - 1)
                    + " more" : "") + " that a " + describe() + " does not use (" + why + "); jvit refuses to run without"
                    + " them — fix the config, or name tensors to leave unused with --ignore-tensors");
        }

        /** The tensor with this timm name and shape, concatenated from its sources when there are several. */
        Tensor get(String timmName, long... shape) {
            List<String> sources = names.sources(timmName);
            long[] part = shape.clone();
            part[0] /= sources.size();
            List<Tensor> found = sources.stream().map(n -> source(n, part)).toList();
            if (found.size() == 1) return Tensor.of(timmName, found.getFirst().host(), shape);
            Tensor fused = Tensor.allocate(timmName, arena, shape);
            long offset = 0;
            for (Tensor t : found) {
                MemorySegment.copy(t.host(), 0, fused.host(), offset, t.bytes());
                offset += t.bytes();
            }
            return readOnly(fused);
        }

        private Tensor source(String name, long[] shape) {
            Tensor t = tensors.get(name);
            used.add(name);
            if (t == null)
                throw UserError.inFile(file, "has no tensor '" + name + "', which a " + describe()
                        + " needs; the checkpoint does not match its config");
            if (!Arrays.equals(t.shape(), shape))
                throw UserError.inFile(file, "tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                        + " but a " + describe() + " needs " + Arrays.toString(shape) + "; the checkpoint does not match its config");
            return t;
        }

        /** The prefix tokens, one tensor: the checkpoint's where it holds one, else its tensors concatenated. */
        Tensor prefixTokens() {
            int h = config.hidden();
            List<Tensor> found = prefixParts(config).stream()
                    .map(part -> source(names.sources(part.timmName()).getFirst(), new long[] {1, part.tokens(), h})).toList();
            if (found.size() == 1) return Tensor.of(prefixName(config), found.getFirst().host(), 1, config.prefixTokens(), h);
            Tensor fused = Tensor.allocate(prefixName(config), arena, 1, config.prefixTokens(), h);
            long offset = 0;
            for (Tensor t : found) {
                MemorySegment.copy(t.host(), 0, fused.host(), offset, t.bytes());
                offset += t.bytes();
            }
            return readOnly(fused);
        }

        /** The position embedding, resampled to the config's grid when the checkpoint's differs. */
        Tensor positions() {
            String name = names.sources("pos_embed").getFirst();
            Tensor t = tensors.get(name);
            used.add(name);
            int h = config.hidden(), prefix = config.positionTokens() - config.grid() * config.grid();
            if (t == null) return source(name, new long[] {1, config.positionTokens(), h});
            long[] shape = t.shape();
            long tokens = shape.length == 3 && shape[0] == 1 && shape[2] == h ? shape[1] : -1;
            int grid = (int) Math.round(Math.sqrt(tokens - prefix));
            if (tokens <= prefix || (long) grid * grid != tokens - prefix)
                throw UserError.inFile(file, "tensor '" + name + "' has shape " + Arrays.toString(shape) + " but a " + describe()
                        + " needs [1, " + (prefix > 0 ? prefix + " + " : "") + "n², " + h + "]; the checkpoint does not match its config");
            if (grid == config.grid()) return Tensor.of("pos_embed", t.host(), 1, config.positionTokens(), h);
            Tensor resampled = Tensor.allocate("pos_embed", arena, 1, config.positionTokens(), h);
            PositionEmbedding.resample(config.resampling(), prefix, t.host(), grid, resampled.host(), config.grid(), h);
            return readOnly(resampled);
        }

        private String describe() {
            return String.format("ViT with %d layers, hidden size %d, MLP size %d, patch %d, %d channels, %d classes and %d prefix"
                            + " tokens (%s names)", config.layers(), config.hidden(), config.mlpDim(), config.patchSize(), config.channels(),
                    config.numLabels(), config.prefixTokens(), names.description);
        }
    }
}
