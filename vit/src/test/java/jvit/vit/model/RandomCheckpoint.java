package jvit.vit.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jvit.runtime.Tensor;
import jvit.vit.ViTConfig;

/**
 * Random ViT weights for a config, under Hugging Face's names and, converted, under timm's (query,
 * key and value concatenated into qkv). Values are rounded to float32 so a float64 reference sees
 * exactly what the model sees.
 */
final class RandomCheckpoint {
    final ViTConfig config;
    /** Hugging Face name → values; shapes in {@link #hfShapes}. */
    final Map<String, double[]> hf = new LinkedHashMap<>();
    final Map<String, long[]> hfShapes = new LinkedHashMap<>();

    RandomCheckpoint(ViTConfig config, Random random) {
        this.config = config;
        int h = config.hidden(), p = config.patchSize(), c = config.channels(), mlp = config.mlpDim();
        put(random, "vit.embeddings.patch_embeddings.projection.weight", 1 / Math.sqrt(c * p * p), h, c, p, p);
        if (!config.preNorm()) put(random, "vit.embeddings.patch_embeddings.projection.bias", 0.1, h); // none with pre_norm, as in timm
        if (config.classToken()) put(random, "vit.embeddings.cls_token", 1, 1, 1, h);
        if (config.distilled()) put(random, "vit.embeddings.distillation_token", 1, 1, 1, h);
        if (config.regTokens() > 0) put(random, "reg_token", 1, 1, config.regTokens(), h); // timm's name in either naming
        put(random, "vit.embeddings.position_embeddings", 0.5, 1, config.positionTokens(), h);
        if (config.preNorm()) norm(random, "norm_pre", h); // timm's name in either naming: Hugging Face's ViT has no pre-norm
        for (int l = 0; l < config.layers(); l++) {
            String n = "vit.encoder.layer." + l + ".";
            norm(random, n + "layernorm_before", h);
            for (String part : List.of("query", "key", "value"))
                linear(random, n + "attention.attention." + part, h, h, config.qkvBias());
            if (config.qkNorm()) // under timm's names, as LayerScale's
                for (String qk : List.of("q_norm", "k_norm")) norm(random, "blocks." + l + ".attn." + qk, config.headDim());
            linear(random, n + "attention.output.dense", h, h, true);
            norm(random, n + "layernorm_after", h);
            linear(random, n + "intermediate.dense", h, mlp, true);
            linear(random, n + "output.dense", mlp, h, true);
            if (config.hasLayerScale()) // under timm's names in either naming: Hugging Face's ViT has no LayerScale
                for (String ls : List.of("ls1", "ls2")) put(random, "blocks." + l + "." + ls + ".gamma", 1.5, h);
        }
        norm(random, config.fcNorm() ? "fc_norm" : "vit.layernorm", h); // under timm's name in either naming: HF's ViT has no fc_norm
        if (config.pool() == ViTConfig.Pool.MAP) { // timm's names in either naming
            put(random, "attn_pool.latent", 1, 1, 1, h);
            linear(random, "attn_pool.q", h, h, true);
            linear(random, "attn_pool.kv", h, 2 * h, true);
            linear(random, "attn_pool.proj", h, h, true);
            norm(random, "attn_pool.norm", h);
            linear(random, "attn_pool.mlp.fc1", h, mlp, true);
            linear(random, "attn_pool.mlp.fc2", mlp, h, true);
        }
        linear(random, "classifier", config.headInputs(), config.numLabels(), true);
        if (config.distilled()) linear(random, "head_dist", h, config.numLabels(), true);
    }

    private void linear(Random random, String name, int in, int out, boolean bias) {
        put(random, name + ".weight", 1.5 / Math.sqrt(in), out, in);
        if (bias) put(random, name + ".bias", 0.1, out);
    }

    private void norm(Random random, String name, int dim) {
        put(random, name + ".weight", 0.5, dim);
        double[] gamma = hf.get(name + ".weight");
        for (int i = 0; i < dim; i++) gamma[i] = (float) (gamma[i] + 1);
        put(random, name + ".bias", 0.2, dim);
    }

    private void put(Random random, String name, double scale, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        double[] x = new double[(int) n];
        for (int i = 0; i < n; i++) x[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        hf.put(name, x);
        hfShapes.put(name, shape);
    }

    /** The same weights under timm's names, qkv fused; shapes from {@link #timmShapes()}. */
    Map<String, double[]> timm() {
        Map<String, double[]> out = new LinkedHashMap<>();
        timmShapes().forEach((name, shape) -> {
            List<String> sources = CheckpointNames.HUGGING_FACE.sources(name);
            int n = 0;
            for (String s : sources) n += hf.get(s).length;
            double[] x = new double[n];
            int at = 0;
            for (String s : sources) {
                System.arraycopy(hf.get(s), 0, x, at, hf.get(s).length);
                at += hf.get(s).length;
            }
            out.put(name, x);
        });
        return out;
    }

    Map<String, long[]> timmShapes() {
        int h = config.hidden();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("patch_embed.proj.weight", new long[] {h, config.channels(), config.patchSize(), config.patchSize()});
        if (!config.preNorm()) shapes.put("patch_embed.proj.bias", new long[] {h});
        if (config.classToken()) shapes.put("cls_token", new long[] {1, 1, h});
        if (config.distilled()) shapes.put("dist_token", new long[] {1, 1, h});
        if (config.regTokens() > 0) shapes.put("reg_token", new long[] {1, config.regTokens(), h});
        shapes.put("pos_embed", new long[] {1, config.positionTokens(), h});
        if (config.preNorm()) {
            shapes.put("norm_pre.weight", new long[] {h});
            shapes.put("norm_pre.bias", new long[] {h});
        }
        for (int l = 0; l < config.layers(); l++) {
            String n = "blocks." + l + ".";
            shapes.put(n + "norm1.weight", new long[] {h});
            shapes.put(n + "norm1.bias", new long[] {h});
            shapes.put(n + "attn.qkv.weight", new long[] {3 * h, h});
            if (config.qkvBias()) shapes.put(n + "attn.qkv.bias", new long[] {3 * h});
            if (config.qkNorm())
                for (String part : List.of("attn.q_norm.weight", "attn.q_norm.bias", "attn.k_norm.weight", "attn.k_norm.bias"))
                    shapes.put(n + part, new long[] {config.headDim()});
            shapes.put(n + "attn.proj.weight", new long[] {h, h});
            shapes.put(n + "attn.proj.bias", new long[] {h});
            shapes.put(n + "norm2.weight", new long[] {h});
            shapes.put(n + "norm2.bias", new long[] {h});
            shapes.put(n + "mlp.fc1.weight", new long[] {config.mlpDim(), h});
            shapes.put(n + "mlp.fc1.bias", new long[] {config.mlpDim()});
            shapes.put(n + "mlp.fc2.weight", new long[] {h, config.mlpDim()});
            shapes.put(n + "mlp.fc2.bias", new long[] {h});
            if (config.hasLayerScale()) {
                shapes.put(n + "ls1.gamma", new long[] {h});
                shapes.put(n + "ls2.gamma", new long[] {h});
            }
        }
        String norm = config.fcNorm() ? "fc_norm" : "norm";
        shapes.put(norm + ".weight", new long[] {h});
        shapes.put(norm + ".bias", new long[] {h});
        if (config.pool() == ViTConfig.Pool.MAP)
            hfShapes.forEach((name, shape) -> { if (name.startsWith("attn_pool.")) shapes.put(name, shape); });
        shapes.put("head.weight", new long[] {config.numLabels(), config.headInputs()});
        shapes.put("head.bias", new long[] {config.numLabels()});
        if (config.distilled()) {
            shapes.put("head_dist.weight", new long[] {config.numLabels(), h});
            shapes.put("head_dist.bias", new long[] {config.numLabels()});
        }
        return shapes;
    }

    /** Tensors as a file reader would hand them over, in the given naming. */
    Map<String, Tensor> tensors(CheckpointNames naming, Arena arena) {
        Map<String, double[]> values = naming == CheckpointNames.TIMM ? timm() : new LinkedHashMap<>();
        Map<String, long[]> shapes = naming == CheckpointNames.TIMM ? timmShapes() : new LinkedHashMap<>();
        if (naming != CheckpointNames.TIMM)
            for (String timmName : timmShapes().keySet()) { // Hugging Face's names, renamed one by one into the other scheme's
                List<String> from = CheckpointNames.HUGGING_FACE.sources(timmName), to = naming.sources(timmName);
                for (int i = 0; i < from.size(); i++) {
                    values.put(to.get(i), hf.get(from.get(i)));
                    shapes.put(to.get(i), hfShapes.get(from.get(i)));
                }
            }
        Map<String, Tensor> out = new LinkedHashMap<>();
        values.forEach((name, x) -> {
            MemorySegment s = arena.allocate(4L * x.length, 4);
            for (int i = 0; i < x.length; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) x[i]);
            out.put(name, Tensor.of(name, s, shapes.get(name)));
        });
        return out;
    }

    /** Writes the weights as a safetensors file in the given naming and float format. */
    void write(java.nio.file.Path file, CheckpointNames naming, jvit.vit.io.FloatFormat format) {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, jvit.vit.io.FloatTensor> out = new LinkedHashMap<>();
            tensors(naming, arena).forEach((name, t) -> out.put(name, new jvit.vit.io.FloatTensor(t.shape(), t.host())));
            jvit.vit.io.Safetensors.write(file, out, Map.of("format", "pt"), format);
        }
    }

    /** The weights rounded as {@code format} stores them, so that the reference sees what a reader of that file sees. */
    RandomCheckpoint roundedTo(jvit.vit.io.FloatFormat format) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(8);
            hf.values().forEach(x -> {
                for (int i = 0; i < x.length; i++) {
                    format.set(one, 0, (float) x[i]);
                    x[i] = format.get(one, 0);
                }
            });
        }
        return this;
    }

    ReferenceViT reference() {
        return new ReferenceViT(hf, config.channels(), config.imageSize(), config.patchSize(), config.hidden(),
                config.layers(), config.heads(), config.mlpDim(), config.numLabels(), config.layerNormEps(), config.regTokens(),
                config.noEmbedClass(), config.distilled(), config.activation())
                .pooled(config.pool(), config.fcNorm()).classToken(config.classToken());
    }
}
