package jvit.vit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.vit.image.Preprocessing;

/**
 * The shape of a Vision Transformer and how its inputs are prepared: everything needed, with the
 * weights, to classify an image. Built from a Hugging Face {@code config.json} or a preset, through
 * {@link #builder()} (or {@link #toBuilder()} for a variant), so that a new switch touches no call site.
 *
 * @param imageSize side of the square input the position embeddings were trained for
 * @param patchSize side of a square patch; {@code imageSize} is a multiple of it
 * @param channels 3 for RGB, 1 for grey
 * @param hidden width of the token vectors
 * @param layers encoder blocks
 * @param heads attention heads; {@code hidden} is a multiple of it
 * @param mlpDim width of the MLP's hidden layer
 * @param layerNormEps epsilon of every LayerNorm (1e-12 in HF files, 1e-6 in timm)
 * @param qkvBias whether the query/key/value projections have a bias
 * @param labels class names, index = class id ({@code id2label}); its size is the number of classes
 * @param preprocessing how an image becomes the input tensor
 * @param layerScale LayerScale's initial factor (timm's {@code init_values}); 0 when the blocks have none
 * @param resampling how position embeddings are resized for another image size: as the checkpoint's library does it
 * @param classToken whether the sequence starts with a class token (timm's {@code class_token}); without one the head reads
 *     a pooling of the patch tokens (not {@link Pool#TOKEN}), and the sequence is the register tokens, if any, then the patches
 * @param regTokens register tokens after the class (and distillation) token, dropped before the head (timm's {@code reg_tokens})
 * @param noEmbedClass whether the position embedding covers the patches only, the prefix tokens added without one
 *     (timm's {@code no_embed_class})
 * @param distilled whether the model is DeiT's with a distillation token after the class token and a second head
 *     ({@code head_dist}) on it, the two heads' logits averaged
 * @param pool what the head reads: the class token, or a pooling of the other tokens (timm's {@code global_pool}; Dinov2's
 *     class token and mean)
 * @param fcNorm whether the final norm applies to the pooled vector (timm's {@code fc_norm}) instead of to every token before pooling
 * @param activation the MLP's GELU form: erf ({@code GELU}), tanh ({@code GELU_TANH}) or CLIP's {@code QUICK_GELU}
 * @param preNorm whether a LayerNorm follows the embeddings, before the blocks (timm's {@code pre_norm}, CLIP's {@code norm_pre})
 * @param qkNorm whether each block's attention normalises queries and keys per head over the head dimension
 *     (timm's {@code qk_norm}: {@code attn.q_norm}, {@code attn.k_norm})
 * @param dynamicImageSize whether inputs of another size than {@code imageSize} are taken, the position embeddings
 *     resampled for them (timm's {@code dynamic_img_size})
 */
public record ViTConfig(int imageSize, int patchSize, int channels, int hidden, int layers, int heads, int mlpDim,
                        double layerNormEps, boolean qkvBias, List<String> labels, Preprocessing preprocessing, double layerScale,
                        PositionResampling resampling, boolean classToken, int regTokens, boolean noEmbedClass, boolean distilled,
                        Pool pool, boolean fcNorm, Activation activation, boolean preNorm, boolean qkNorm, boolean dynamicImageSize) {
    /** The libraries whose position-embedding resampling jvit reproduces. */
    public enum PositionResampling { HUGGING_FACE, TIMM }

    /** What the classification head reads (timm's {@code global_pool}, and Hugging Face Dinov2's classifier input). */
    public enum Pool {
        /** The class token ({@code 'token'}). */
        TOKEN,
        /** The mean of the tokens past the class token ({@code 'avg'}). */
        AVG,
        /** Their per-channel maximum ({@code 'max'}). */
        MAX,
        /** Half the sum of the two ({@code 'avgmax'}). */
        AVGMAX,
        /** The class token and the mean of the patch tokens, concatenated ({@code Dinov2ForImageClassification}). */
        CLASS_AND_AVG,
        /** Attention from a learned query over the patch tokens, then an MLP ({@code 'map'}: timm's {@code AttentionPoolLatent}). */
        MAP;

        /** The pooling operator's mode; {@link #TOKEN} ({@code Op.ClassToken}) and {@link #MAP} (a block of its own) have none. */
        public Op.Pooling pooling() {
            if (this == TOKEN || this == MAP) throw new IllegalStateException(this + " is not a pooling operator");
            return Op.Pooling.valueOf(name());
        }
    }

    public ViTConfig {
        check(imageSize > 0 && patchSize > 0 && channels > 0 && hidden > 0 && layers > 0 && heads > 0 && mlpDim > 0,
                "every size must be positive");
        check(regTokens >= 0, "reg_tokens must be >= 0");
        check(pool != null, "pool must be given");
        check(classToken || (pool != Pool.TOKEN && pool != Pool.CLASS_AND_AVG), "a model without a class token (class_token false)"
                + " classifies from pooled tokens: global_pool \"avg\", \"max\", \"avgmax\" or \"map\", not \""
                + pool.name().toLowerCase(Locale.ROOT) + "\"");
        check(!distilled || (classToken && pool == Pool.TOKEN && !fcNorm), "a distilled (DeiT) model's heads read the class and"
                + " distillation tokens: class_token, global_pool \"token\", no fc_norm");
        check(!distilled || (regTokens == 0 && !noEmbedClass), "a distilled (DeiT) model has neither register tokens nor"
                + " no_embed_class (its position embedding covers its class and distillation tokens)");
        long tokens = (long) (imageSize / patchSize) * (imageSize / patchSize) + (classToken ? 1 : 0) + regTokens + (distilled ? 1 : 0);
        check(tokens <= Integer.MAX_VALUE / hidden, "image_size " + imageSize + " with patch_size " + patchSize + " gives " + tokens
                + " tokens of " + hidden + " values, more than jvit holds per image (2^31 values)");
        check(imageSize % patchSize == 0, "image_size " + imageSize + " is not a multiple of patch_size " + patchSize);
        check(hidden % heads == 0, "hidden_size " + hidden + " is not divisible by num_attention_heads " + heads);
        check(layerNormEps > 0, "layer_norm_eps must be > 0");
        check(Double.isFinite(layerScale), "init_values must be a finite number");
        check(labels != null && !labels.isEmpty(), "there must be at least one class label");
        check(preprocessing != null && resampling != null && pool != null, "preprocessing, resampling and pool must be given");
        check(!(fcNorm && pool == Pool.CLASS_AND_AVG), "Dinov2's classifier input has no fc_norm");
        check(activation != null && activation != Activation.NONE, "the MLP's activation must be a GELU form, got " + activation);
        labels = List.copyOf(labels);
    }

    public int numLabels() { return labels.size(); }

    /** Whether each block scales its two branches per channel ({@code ls1}, {@code ls2}), as timm does when {@code init_values} is set. */
    public boolean hasLayerScale() { return layerScale != 0; }

    public int headDim() { return hidden / heads; }

    /** Patches per image side. */
    public int grid() { return imageSize / patchSize; }

    /** Tokens before the patches: the class token, DeiT's distillation token, the register tokens, in this order. */
    public int prefixTokens() { return (classToken ? 1 : 0) + (distilled ? 1 : 0) + regTokens; }

    /** Tokens per image: the prefix tokens and the patches. */
    public int tokens() { return grid() * grid() + prefixTokens(); }

    /** Rows of the position embedding: every token, or only the patches ({@code noEmbedClass}). */
    public int positionTokens() { return noEmbedClass ? grid() * grid() : tokens(); }

    /** Values the head reads per image: {@code hidden}, or twice that for the class token and mean. */
    public int headInputs() { return pool == Pool.CLASS_AND_AVG ? 2 * hidden : hidden; }

    /** Whether the final norm applies to every token before pooling; else to the head's input (LayerNorm is per row: one for the class token). */
    public boolean normsEveryToken() { return pool != Pool.TOKEN && !fcNorm; }

    /** Parameters in the model's weights. */
    public long parameters() {
        long h = hidden;
        long embed = h * channels * patchSize * patchSize + (preNorm ? 0 : h) + (long) prefixTokens() * h + (long) positionTokens() * h;
        long block = 2 * 2 * h + 3 * h * h + (qkvBias ? 3 * h : 0) + h * h + h + 2 * h * mlpDim + mlpDim + h
                + (hasLayerScale() ? 2 * h : 0) + (qkNorm ? 4L * headDim() : 0);
        long attentionPool = pool == Pool.MAP ? h + 4 * h * h + 4 * h + 2 * h + 2 * h * mlpDim + mlpDim + h : 0;
        return embed + (preNorm ? 2 * h : 0) + layers * block + 2 * h + attentionPool
                + (distilled ? 2 : 1) * ((long) headInputs() * numLabels() + numLabels());
    }

    /** This config with another number of classes, named {@code LABEL_0 ...}. */
    public ViTConfig withClasses(int classes) {
        return toBuilder().labels(defaultLabels(classes)).build();
    }

    /** {@code LABEL_0 ... LABEL_{n-1}}, Hugging Face's names when a config gives none. */
    public static List<String> defaultLabels(int n) {
        List<String> labels = new ArrayList<>(n);
        for (int i = 0; i < n; i++) labels.add("LABEL_" + i);
        return labels;
    }

    /**
     * A builder with no sizes set; {@code qkvBias} on, no LayerScale, resampled as Hugging Face does, a
     * class token with a position, no register tokens, not distilled, the head on the class token, erf GELU, no pre-norm,
     * no qk-norm, no dynamic size.
     */
    public static Builder builder() { return new Builder(); }

    /** A builder holding this config's values, to change a few of them. */
    public Builder toBuilder() {
        return builder().imageSize(imageSize).patchSize(patchSize).channels(channels).hidden(hidden).layers(layers).heads(heads)
                .mlpDim(mlpDim).layerNormEps(layerNormEps).qkvBias(qkvBias).labels(labels).preprocessing(preprocessing)
                .layerScale(layerScale).resampling(resampling).classToken(classToken).regTokens(regTokens).noEmbedClass(noEmbedClass)
                .distilled(distilled).pool(pool).fcNorm(fcNorm).activation(activation).preNorm(preNorm).qkNorm(qkNorm)
                .dynamicImageSize(dynamicImageSize);
    }

    /** Sets the components one by name; {@link #build()} validates them as the constructor does. */
    public static final class Builder {
        private int imageSize, patchSize, channels, hidden, layers, heads, mlpDim;
        private double layerNormEps;
        private boolean qkvBias = true;
        private List<String> labels;
        private Preprocessing preprocessing;
        private double layerScale;
        private PositionResampling resampling = PositionResampling.HUGGING_FACE;
        private boolean classToken = true;
        private int regTokens;
        private boolean noEmbedClass;
        private boolean distilled;
        private Pool pool = Pool.TOKEN;
        private boolean fcNorm;
        private Activation activation = Activation.GELU;
        private boolean preNorm, qkNorm, dynamicImageSize;

        private Builder() {}

        public Builder imageSize(int imageSize) { this.imageSize = imageSize; return this; }
        public Builder patchSize(int patchSize) { this.patchSize = patchSize; return this; }
        public Builder channels(int channels) { this.channels = channels; return this; }
        public Builder hidden(int hidden) { this.hidden = hidden; return this; }
        public Builder layers(int layers) { this.layers = layers; return this; }
        public Builder heads(int heads) { this.heads = heads; return this; }
        public Builder mlpDim(int mlpDim) { this.mlpDim = mlpDim; return this; }
        public Builder layerNormEps(double layerNormEps) { this.layerNormEps = layerNormEps; return this; }
        public Builder qkvBias(boolean qkvBias) { this.qkvBias = qkvBias; return this; }
        public Builder labels(List<String> labels) { this.labels = labels; return this; }
        public Builder preprocessing(Preprocessing preprocessing) { this.preprocessing = preprocessing; return this; }
        public Builder layerScale(double layerScale) { this.layerScale = layerScale; return this; }
        public Builder resampling(PositionResampling resampling) { this.resampling = resampling; return this; }
        public Builder classToken(boolean classToken) { this.classToken = classToken; return this; }
        public Builder regTokens(int regTokens) { this.regTokens = regTokens; return this; }
        public Builder noEmbedClass(boolean noEmbedClass) { this.noEmbedClass = noEmbedClass; return this; }
        public Builder distilled(boolean distilled) { this.distilled = distilled; return this; }
        public Builder pool(Pool pool) { this.pool = pool; return this; }
        public Builder fcNorm(boolean fcNorm) { this.fcNorm = fcNorm; return this; }
        public Builder activation(Activation activation) { this.activation = activation; return this; }
        public Builder preNorm(boolean preNorm) { this.preNorm = preNorm; return this; }
        public Builder qkNorm(boolean qkNorm) { this.qkNorm = qkNorm; return this; }
        public Builder dynamicImageSize(boolean dynamicImageSize) { this.dynamicImageSize = dynamicImageSize; return this; }

        /** The config; an {@link IllegalArgumentException} names the first value that is not valid. */
        public ViTConfig build() {
            return new ViTConfig(imageSize, patchSize, channels, hidden, layers, heads, mlpDim, layerNormEps, qkvBias, labels,
                    preprocessing, layerScale, resampling, classToken, regTokens, noEmbedClass, distilled, pool, fcNorm, activation,
                    preNorm, qkNorm, dynamicImageSize);
        }
    }

    private static void check(boolean condition, String problem) {
        if (!condition) throw new IllegalArgumentException(problem);
    }
}
