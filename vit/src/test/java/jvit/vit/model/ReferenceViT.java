package jvit.vit.model;

import java.util.Arrays;
import java.util.Map;
import jvit.vit.ViTConfig;
import jvit.kernels.Op.Activation;
import jvit.kernels.Reference64;

/**
 * A float64 ViT written for the tests, independently of the production path: plain loops over
 * matrices, following Hugging Face's {@code ViTForImageClassification} module by module (separate
 * query, key and value; LayerNorm over every token; the head on the class token), with timm's
 * register tokens and {@code no_embed_class}, DeiT's distillation token and second head, timm's
 * pooling ({@link #pooled}) where set, and timm's switches where the weights have their tensors (timm's
 * names): LayerScale, pre-norm ({@code norm_pre}), qk-norm ({@code attn.q_norm}, {@code attn.k_norm});
 * the MLP's GELU in the given form.
 */
final class ReferenceViT {
    private final Map<String, double[]> w;
    private final int channels, size, patch, hidden, layers, heads, mlp, classes;
    private final double eps;
    private ViTConfig.Pool pool = ViTConfig.Pool.TOKEN;
    private boolean fcNorm;
    /** Of the last {@link #logits} call: the smallest gap, over channels, between the largest pooled token and the next. */
    double maxGap;
    private final int registers;
    private final boolean noEmbedClass, distilled;
    private boolean classToken = true;
    private final Activation activation;

    /** The MLP's GELU in its erf form. */
    ReferenceViT(Map<String, double[]> w, int channels, int size, int patch, int hidden, int layers, int heads, int mlp,
                 int classes, double eps, int registers, boolean noEmbedClass, boolean distilled) {
        this(w, channels, size, patch, hidden, layers, heads, mlp, classes, eps, registers, noEmbedClass, distilled, Activation.GELU);
    }

    /** {@code w}: the weights under Hugging Face's names (timm's for what Hugging Face's ViT lacks: reg_token, ls1, head_dist). */
    ReferenceViT(Map<String, double[]> w, int channels, int size, int patch, int hidden, int layers, int heads, int mlp,
                 int classes, double eps, int registers, boolean noEmbedClass, boolean distilled, Activation activation) {
        this.activation = activation;
        this.w = w;
        this.channels = channels;
        this.size = size;
        this.patch = patch;
        this.hidden = hidden;
        this.layers = layers;
        this.heads = heads;
        this.mlp = mlp;
        this.classes = classes;
        this.eps = eps;
        this.registers = registers;
        this.noEmbedClass = noEmbedClass;
        this.distilled = distilled;
    }

    /** The same model with timm's {@code global_pool} and {@code fc_norm} (whose weights are under timm's name, {@code fc_norm}). */
    ReferenceViT pooled(ViTConfig.Pool pool, boolean fcNorm) {
        this.pool = pool;
        this.fcNorm = fcNorm;
        return this;
    }

    /** The same model with or without a class token (timm's {@code class_token}): without, the registers (if any) then the patches. */
    ReferenceViT classToken(boolean classToken) {
        this.classToken = classToken;
        return this;
    }

    /** Logits of one image, {@code [channels][size][size]} flattened. */
    double[] logits(double[] image) {
        int prefix = (classToken ? 1 : 0) + (distilled ? 1 : 0) + registers, grid = size / patch, tokens = grid * grid + prefix;
        double[][] x = new double[tokens][hidden];
        double[] conv = w.get("vit.embeddings.patch_embeddings.projection.weight");
        double[] convBias = w.get("vit.embeddings.patch_embeddings.projection.bias");
        double[] cls = w.get("vit.embeddings.cls_token"), pos = w.get("vit.embeddings.position_embeddings");
        if (classToken) x[0] = Arrays.copyOf(cls, hidden);
        if (distilled) x[1] = w.get("vit.embeddings.distillation_token").clone();
        for (int r = 0; r < registers; r++) x[prefix - registers + r] = Arrays.copyOfRange(w.get("reg_token"), r * hidden, (r + 1) * hidden);
        for (int py = 0; py < grid; py++)
            for (int px = 0; px < grid; px++)
                for (int o = 0; o < hidden; o++) {
                    double s = convBias == null ? 0 : convBias[o]; // none with pre_norm
                    for (int c = 0; c < channels; c++)
                        for (int dy = 0; dy < patch; dy++)
                            for (int dx = 0; dx < patch; dx++)
                                s += conv[((o * channels + c) * patch + dy) * patch + dx]
                                        * image[(c * size + py * patch + dy) * size + px * patch + dx];
                    x[prefix + py * grid + px][o] = s;
                }
        int positioned = noEmbedClass ? prefix : 0; // the first token with a position
        for (int t = positioned; t < tokens; t++) for (int o = 0; o < hidden; o++) x[t][o] += pos[(t - positioned) * hidden + o];
        if (w.containsKey("norm_pre.weight")) x = layerNorm(x, "norm_pre");

        for (int l = 0; l < layers; l++) {
            String p = "vit.encoder.layer." + l + ".";
            double[][] h = layerNorm(x, p + "layernorm_before");
            double[][] q = linear(h, p + "attention.attention.query");
            double[][] k = linear(h, p + "attention.attention.key");
            double[][] v = linear(h, p + "attention.attention.value");
            if (w.containsKey("blocks." + l + ".attn.q_norm.weight")) {
                q = headNorm(q, "blocks." + l + ".attn.q_norm");
                k = headNorm(k, "blocks." + l + ".attn.k_norm");
            }
            double[][] context = attention(q, k, v);
            add(x, layerScale(linear(context, p + "attention.output.dense"), "blocks." + l + ".ls1.gamma"));
            double[][] inner = linear(layerNorm(x, p + "layernorm_after"), p + "intermediate.dense");
            for (double[] row : inner) for (int i = 0; i < row.length; i++) row[i] = Reference64.activation(row[i], activation);
            add(x, layerScale(linear(inner, p + "output.dense"), "blocks." + l + ".ls2.gamma"));
        }
        double[][] normed = fcNorm ? x : layerNorm(x, "vit.layernorm");
        if (distilled) {
            double[] logits = linear(new double[][] {normed[0]}, "classifier")[0];
            double[] second = linear(new double[][] {normed[1]}, "head_dist")[0];
            for (int i = 0; i < logits.length; i++) logits[i] = (logits[i] + second[i]) / 2;
            return logits;
        }
        double[] features = new double[pool == ViTConfig.Pool.CLASS_AND_AVG ? 2 * hidden : hidden];
        maxGap = Double.POSITIVE_INFINITY;
        for (int o = 0; o < hidden; o++) {
            double sum = 0, max = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
            for (int t = prefix; t < tokens; t++) {
                sum += normed[t][o];
                second = Math.max(second, Math.min(max, normed[t][o]));
                max = Math.max(max, normed[t][o]);
            }
            maxGap = Math.min(maxGap, max - second);
            double mean = sum / (tokens - prefix);
            switch (pool) {
                case TOKEN -> features[o] = normed[0][o];
                case MAP -> { } // below
                case AVG -> features[o] = mean;
                case MAX -> features[o] = max;
                case AVGMAX -> features[o] = 0.5 * (max + mean);
                case CLASS_AND_AVG -> {
                    features[o] = normed[0][o];
                    features[hidden + o] = mean;
                }
            }
        }
        if (pool == ViTConfig.Pool.MAP) features = attentionPool(java.util.Arrays.copyOfRange(normed, prefix, tokens));
        if (fcNorm) features = layerNorm(new double[][] {features}, "fc_norm")[0];
        return linear(new double[][] {features}, "classifier")[0];
    }

    /** timm's AttentionPoolLatent over the patch tokens: y = proj(attention(q(latent), k, v)), y + fc2(gelu(fc1(norm(y)))). */
    private double[] attentionPool(double[][] patches) {
        double[] q = linear(new double[][] {w.get("attn_pool.latent")}, "attn_pool.q")[0];
        double[][] kv = linear(patches, "attn_pool.kv"), k = new double[kv.length][], v = new double[kv.length][];
        for (int t = 0; t < kv.length; t++) {
            k[t] = java.util.Arrays.copyOfRange(kv[t], 0, hidden);
            v[t] = java.util.Arrays.copyOfRange(kv[t], hidden, 2 * hidden);
        }
        double[][] y = linear(attention(new double[][] {q}, k, v), "attn_pool.proj");
        double[][] inner = linear(layerNorm(y, "attn_pool.norm"), "attn_pool.mlp.fc1");
        for (double[] row : inner) for (int i = 0; i < row.length; i++) row[i] = Reference64.activation(row[i], activation);
        add(y, linear(inner, "attn_pool.mlp.fc2"));
        return y[0];
    }

    /** Each query row attends over every key row (as many as the queries in self-attention, more for the latent query). */
    private double[][] attention(double[][] q, double[][] k, double[][] v) {
        int tokens = q.length, keys = k.length, d = hidden / heads;
        double[][] out = new double[tokens][hidden];
        for (int head = 0; head < heads; head++)
            for (int i = 0; i < tokens; i++) {
                double[] score = new double[keys];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < keys; j++) {
                    for (int e = 0; e < d; e++) score[j] += q[i][head * d + e] * k[j][head * d + e];
                    score[j] /= Math.sqrt(d);
                    max = Math.max(max, score[j]);
                }
                for (int j = 0; j < keys; j++) sum += score[j] = Math.exp(score[j] - max);
                for (int j = 0; j < keys; j++)
                    for (int e = 0; e < d; e++) out[i][head * d + e] += score[j] / sum * v[j][head * d + e];
            }
        return out;
    }

    /** {@code x·Wᵀ + b}; a missing bias (a model without qkv bias) counts as zero. */
    private double[][] linear(double[][] x, String name) {
        double[] weight = w.get(name + ".weight"), bias = w.get(name + ".bias");
        int in = x[0].length, out = weight.length / in;
        double[][] y = new double[x.length][out];
        for (int r = 0; r < x.length; r++)
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) s += x[r][i] * weight[o * in + i];
                y[r][o] = s;
            }
        return y;
    }

    /** A LayerNorm over each head's slice of each token (timm's q_norm, k_norm). */
    private double[][] headNorm(double[][] x, String name) {
        int d = hidden / heads;
        double[][] slices = new double[x.length * heads][d];
        for (int t = 0; t < x.length; t++) for (int head = 0; head < heads; head++) System.arraycopy(x[t], head * d, slices[t * heads + head], 0, d);
        double[][] normed = layerNorm(slices, name);
        double[][] y = new double[x.length][hidden];
        for (int t = 0; t < x.length; t++) for (int head = 0; head < heads; head++) System.arraycopy(normed[t * heads + head], 0, y[t], head * d, d);
        return y;
    }

    private double[][] layerNorm(double[][] x, String name) {
        double[] gamma = w.get(name + ".weight"), beta = w.get(name + ".bias");
        double[][] y = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            double mean = 0, var = 0;
            for (double v : x[r]) mean += v;
            mean /= x[r].length;
            for (double v : x[r]) var += (v - mean) * (v - mean);
            var /= x[r].length;
            y[r] = new double[x[r].length];
            for (int i = 0; i < x[r].length; i++) y[r][i] = (x[r][i] - mean) / Math.sqrt(var + eps) * gamma[i] + beta[i];
        }
        return y;
    }

    /** timm's LayerScale, where the weights have its gamma (under timm's name: Hugging Face's ViT has none). */
    private double[][] layerScale(double[][] x, String gamma) {
        double[] g = w.get(gamma);
        if (g != null) for (double[] row : x) for (int i = 0; i < row.length; i++) row[i] *= g[i];
        return x;
    }

    private static void add(double[][] x, double[][] y) {
        for (int r = 0; r < x.length; r++) for (int i = 0; i < x[r].length; i++) x[r][i] += y[r][i];
    }

    int classes() { return classes; }
}
