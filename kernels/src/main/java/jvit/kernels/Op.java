package jvit.kernels;

import java.util.Arrays;

/**
 * The operator catalogue: every operator a ViT needs, with the sizes that fix its arguments.
 *
 * <p>An operator is applied to a list of float32 tensors, outputs first (as in llm.c:
 * {@code out, inp, weight, bias}). {@link #argElements()} says how many elements each argument
 * holds, so a runtime can check a task before it runs; {@link #flops()} and {@link #bytes()}
 * give the work, for benchmarks and their floors. Every backend implements every operator with
 * the same argument order and layout.
 */
public sealed interface Op {

    /** The operator's short name, as used by kernels, benchmarks and task timings. */
    String name();

    /** Element count of each argument, outputs first. */
    long[] argElements();

    /** How many of the leading arguments are written. */
    default int outputs() { return 1; }

    /** Floating-point operations of one application. */
    long flops();

    /** Bytes read and written by one application, each argument counted once. */
    default long bytes() {
        long n = 0;
        for (long e : argElements()) n += e;
        return 4 * n;
    }

    /**
     * Epilogue fused into a matmul, applied to each output after the bias, and the forms of GELU
     * the MLP uses: {@code GELU} the exact (erf) form, {@code GELU_TANH} its tanh approximation
     * (timm's {@code gelu_tanh}, HF's {@code gelu_pytorch_tanh}/{@code gelu_new}), {@code QUICK_GELU}
     * {@code x·σ(1.702x)} (CLIP's). Device kernels take {@link #code()}.
     */
    enum Activation {
        NONE, GELU, GELU_TANH, QUICK_GELU;

        /** The number the device kernels' {@code activation} argument takes (activation.h's ACT_*). */
        public int code() { return ordinal(); }
    }

    /**
     * {@code C[b] = op(A[b])·op(B[b]) (+ bias) (then activation)}, for each of {@code batch} matrices.
     * A is {@code [batch, m, k]}, or {@code [batch, k, m]} when {@code transposedA} (Aᵀ·…, the
     * weight gradient {@code dyᵀ·x} of a linear layer read straight from {@code dy}); B is
     * {@code [batch, n, k]} when {@code transposedB} (…·Bᵀ, the layout of a {@code Linear} weight)
     * and {@code [batch, k, n]} otherwise; bias is {@code [n]}; C is {@code [batch, m, n]}.
     * With {@code accumulate}, {@code C += op(A)·op(B) (+ bias)} instead, with no activation: a residual
     * connection, which a device may add in the product's stores (a launch and a pass over C fewer).
     * Arguments: C, A, B, when {@code bias} bias, and when {@code accumulate} C again, the input it reads.
     */
    record Matmul(int batch, int m, int n, int k, boolean transposedA, boolean transposedB, boolean bias, Activation activation,
                  boolean accumulate) implements Op {
        public Matmul {
            positive(batch, m, n, k);
            if (accumulate && activation != Activation.NONE)
                throw new IllegalArgumentException("a matmul that adds to C takes no activation, got " + activation);
        }

        /** A product that writes C. */
        public Matmul(int batch, int m, int n, int k, boolean transposedA, boolean transposedB, boolean bias, Activation activation) {
            this(batch, m, n, k, transposedA, transposedB, bias, activation, false);
        }

        /** A linear layer {@code y = x·Wᵀ + b} over {@code rows} rows. */
        public static Matmul linear(int rows, int in, int out, Activation activation) {
            return new Matmul(1, rows, out, in, false, true, true, activation);
        }

        /** A linear layer added to what {@code y} holds, {@code y += x·Wᵀ + b}: a residual branch's last layer. */
        public static Matmul residualLinear(int rows, int in, int out) {
            return new Matmul(1, rows, out, in, false, true, true, Activation.NONE, true);
        }

        /** The same product writing C: what a device without an accumulating kernel computes into scratch, then adds. */
        public Matmul writing() {
            return new Matmul(batch, m, n, k, transposedA, transposedB, bias, activation);
        }

        /** That layer's weight gradient {@code dW = dyᵀ·x}, {@code [out, in]}, from {@code dy [rows, out]} and {@code x [rows, in]}. */
        public static Matmul weightGradient(int rows, int in, int out) {
            return new Matmul(1, out, in, rows, true, false, false, Activation.NONE);
        }

        public String name() { return "matmul"; }

        public long[] argElements() {
            long c = (long) batch * m * n, a = (long) batch * m * k, b = (long) batch * n * k;
            long[] args = bias ? new long[] {c, a, b, n} : new long[] {c, a, b};
            if (!accumulate) return args;
            long[] reading = Arrays.copyOf(args, args.length + 1);
            reading[args.length] = c;
            return reading;
        }

        public long flops() { return 2L * batch * m * n * k; }
    }

    /** {@code out = (x - mean) / sqrt(var + eps) * gamma + beta} over each row of {@code dim}. Args: out, x, gamma, beta. */
    record LayerNorm(int rows, int dim, float eps) implements Op {
        public LayerNorm {
            positive(rows, dim);
            if (!(eps > 0)) throw new IllegalArgumentException("layernorm eps must be > 0, got " + eps);
        }

        public String name() { return "layernorm"; }

        public long[] argElements() { return new long[] {(long) rows * dim, (long) rows * dim, dim, dim}; }

        public long flops() { return 8L * rows * dim; }
    }

    /** Softmax over each row of {@code dim}. Args: out, x. {@code out} may be {@code x}. */
    record Softmax(int rows, int dim) implements Op {
        public Softmax {
            positive(rows, dim);
        }

        public String name() { return "softmax"; }

        public long[] argElements() { return new long[] {(long) rows * dim, (long) rows * dim}; }

        public long flops() { return 5L * rows * dim; }
    }

    /**
     * Multi-head scaled-dot-product self-attention, {@code softmax(Q·Kᵀ/√d)·V} per head.
     * Input: the fused projection {@code qkv} as {@code [batch, tokens, 3, heads, headDim]} (the
     * output of timm's {@code attn.qkv}); output {@code [batch, tokens, heads·headDim]}, heads
     * concatenated. Args: out, qkv.
     */
    record Attention(int batch, int tokens, int heads, int headDim) implements Op {
        public Attention {
            positive(batch, tokens, heads, headDim);
        }

        public String name() { return "attention"; }

        public long[] argElements() {
            long width = (long) heads * headDim;
            return new long[] {(long) batch * tokens * width, 3L * batch * tokens * width};
        }

        public long flops() { return 4L * batch * heads * tokens * tokens * headDim + 5L * batch * heads * tokens * tokens; }
    }

    /** GELU in one of its forms ({@code x·Φ(x)}, erf, by default). Args: out, x. {@code out} may be {@code x}. */
    record Gelu(long n, Activation form) implements Op {
        public Gelu {
            positive(n);
            geluForm(form);
        }

        /** The erf form. */
        public Gelu(long n) { this(n, Activation.GELU); }

        public String name() { return "gelu"; }

        public long[] argElements() { return new long[] {n, n}; }

        public long flops() { return 20L * n; }
    }

    /**
     * LayerScale (timm's {@code ls1}/{@code ls2}, CaiT, DeiT III, DINOv2): {@code out[r, c] = x[r, c] · gamma[c]}
     * over {@code rows} rows of {@code dim}. Args: out, x, gamma. {@code out} may be {@code x}. Its
     * input gradient is the same operator applied to {@code dy}.
     */
    record LayerScale(int rows, int dim) implements Op {
        public LayerScale {
            positive(rows, dim);
        }

        public String name() { return "layer_scale"; }

        public long[] argElements() { return new long[] {(long) rows * dim, (long) rows * dim, dim}; }

        public long flops() { return (long) rows * dim; }
    }

    /**
     * The queries and keys of a fused {@code qkv [rows, 3, heads, headDim]} (rows = batch·tokens, as
     * {@link Attention} takes it) as matrices of their own, {@code q, k [rows·heads, headDim]}: rows a
     * {@link LayerNorm} over the head dimension normalises (timm's {@code qk_norm}); also the
     * gradient's way back. Args: q, k, qkv.
     */
    record QkSplit(int rows, int heads, int headDim) implements Op {
        public QkSplit {
            positive(rows, heads, headDim);
        }

        public String name() { return "qk_split"; }

        public int outputs() { return 2; }

        public long[] argElements() {
            long n = (long) rows * heads * headDim;
            return new long[] {n, n, 3 * n};
        }

        public long flops() { return 0; }
    }

    /** {@link QkSplit}'s inverse: {@code out} is {@code qkv} with its queries and keys taken from {@code q} and {@code k}. Args: out, qkv, q, k. */
    record QkMerge(int rows, int heads, int headDim) implements Op {
        public QkMerge {
            positive(rows, heads, headDim);
        }

        public String name() { return "qk_merge"; }

        public long[] argElements() {
            long n = (long) rows * heads * headDim;
            return new long[] {3 * n, 3 * n, n, n};
        }

        public long flops() { return 0; }
    }

    /** Elementwise {@code out = a + b} (residual connections). Args: out, a, b. {@code out} may be either input. */
    record Add(long n) implements Op {
        public Add {
            positive(n);
        }

        public String name() { return "add"; }

        public long[] argElements() { return new long[] {n, n, n}; }

        public long flops() { return n; }
    }

    /**
     * Patch embedding: a convolution with stride = kernel = {@code patch}. Image
     * {@code [batch, channels, height, width]}, weight {@code [hidden, channels, patch, patch]},
     * bias {@code [hidden]}; output {@code [batch, (height/patch)·(width/patch), hidden]}, patches
     * in row-major order. Args: out, image, weight, bias.
     */
    record PatchEmbed(int batch, int channels, int height, int width, int patch, int hidden) implements Op {
        public PatchEmbed {
            positive(batch, channels, height, width, patch, hidden);
            if (height % patch != 0 || width % patch != 0)
                throw new IllegalArgumentException("image " + height + "x" + width + " is not a multiple of the patch size " + patch);
        }

        public int patches() { return (height / patch) * (width / patch); }

        public int patchElements() { return channels * patch * patch; }

        public String name() { return "patch_embed"; }

        public long[] argElements() {
            return new long[] {(long) batch * patches() * hidden, (long) batch * channels * height * width,
                    (long) hidden * patchElements(), hidden};
        }

        public long flops() { return 2L * batch * patches() * hidden * patchElements(); }
    }

    /**
     * The token sequence: {@code prefix} tokens first (the class token, DeiT's distillation token,
     * register tokens: one tensor), then the patches, the position embedding added to every token
     * from {@link #positionsFrom()}: to all ({@code prefixPositions}, timm's default) or to the
     * patches only (timm's {@code no_embed_class}). {@code out[b, t] = pre[t] (+ pos[t])} for
     * {@code t < prefix}, {@code out[b, prefix + i] = patches[b, i] + pos[prefix + i - positionsFrom]}.
     * Shapes: out {@code [batch, prefix + patches, hidden]}, patches {@code [batch, patches, hidden]},
     * pre {@code [prefix, hidden]}, pos {@code [prefix + patches - positionsFrom, hidden]}. Args: out, patches, pre, pos;
     * without prefix tokens ({@code prefix} 0, timm's {@code class_token=False} without registers) there is no pre:
     * out, patches, pos, as a matmul without bias has no bias.
     */
    record EmbedTokens(int batch, int prefix, int patches, int hidden, boolean prefixPositions) implements Op {
        public EmbedTokens {
            positive(batch, patches, hidden);
            if (prefix < 0) throw new IllegalArgumentException("prefix tokens must be >= 0, got " + prefix);
        }

        /** The plain ViT's sequence: one class token, positions for every token. */
        public EmbedTokens(int batch, int patches, int hidden) {
            this(batch, 1, patches, hidden, true);
        }

        public int tokens() { return prefix + patches; }

        /** The first token with a position embedding: 0, or {@code prefix} when the prefix tokens have none. */
        public int positionsFrom() { return prefixPositions ? 0 : prefix; }

        public String name() { return "embed_tokens"; }

        public long[] argElements() {
            long out = (long) batch * tokens() * hidden, in = (long) batch * patches * hidden;
            long pos = (long) (tokens() - positionsFrom()) * hidden;
            return prefix > 0 ? new long[] {out, in, (long) prefix * hidden, pos} : new long[] {out, in, pos};
        }

        public long flops() { return (long) batch * tokens() * hidden; }
    }

    /**
     * One token of each sequence: {@code out[b] = x[b, token]} (the class token at 0, DeiT's
     * distillation token at 1). x {@code [batch, tokens, hidden]}, out {@code [batch, hidden]}. Args: out, x.
     */
    record ClassToken(int batch, int tokens, int hidden, int token) implements Op {
        public ClassToken {
            positive(batch, tokens, hidden);
            tokenIndex(token, tokens);
        }

        /** The class token, the first. */
        public ClassToken(int batch, int tokens, int hidden) {
            this(batch, tokens, hidden, 0);
        }

        public String name() { return "class_token"; }

        public long[] argElements() { return new long[] {(long) batch * hidden, (long) batch * tokens * hidden}; }

        public long bytes() { return 8L * batch * hidden; }

        public long flops() { return 0; }
    }

    /** How {@link TokenPool} reduces the tokens of each sequence to one vector; device kernels number them by ordinal, so keep the order. */
    enum Pooling {
        /** The mean of the tokens (timm's {@code global_pool='avg'}). */
        AVG,
        /** Their per-channel maximum ({@code 'max'}). */
        MAX,
        /** {@code 0.5·(max + mean)} ({@code 'avgmax'}). */
        AVGMAX,
        /** The class token (token 0) and the mean, concatenated: Hugging Face Dinov2's classifier input. */
        CLASS_AND_AVG;

        /** Values per pooled vector. */
        public int width(int hidden) { return this == CLASS_AND_AVG ? 2 * hidden : hidden; }
    }

    /**
     * Global pooling over the tokens of each sequence past its {@code prefix} tokens (class and
     * register tokens), as timm's {@code global_pool_nlc}: x {@code [batch, tokens, hidden]}, out
     * {@code [batch, pooling.width(hidden)]}. Args: out, x.
     */
    record TokenPool(int batch, int tokens, int hidden, int prefix, Pooling pooling) implements Op {
        public TokenPool {
            positive(batch, tokens, hidden);
            checkPrefix(tokens, prefix, pooling);
        }

        public String name() { return "token_pool"; }

        public long[] argElements() { return new long[] {(long) batch * pooling.width(hidden), (long) batch * tokens * hidden}; }

        public long flops() { return 2L * batch * tokens * hidden; }
    }

    /**
     * Attention of one query, shared by the batch, over the tokens {@code [from, tokens)} of each
     * sequence (timm's {@code AttentionPoolLatent}, one latent): per head h,
     * {@code out[b, h] = softmax_t(q[h]·k[b, t, h]/√d)·v[b, t, h]}. q {@code [heads·headDim]}; kv
     * {@code [batch, tokens, 2, heads, headDim]} (keys then values, the output of its {@code kv}
     * layer); out {@code [batch, heads·headDim]}. Args: out, q, kv.
     */
    record LatentAttention(int batch, int tokens, int from, int heads, int headDim) implements Op {
        public LatentAttention {
            positive(batch, tokens, heads, headDim);
            if (from < 0 || from >= tokens) throw new IllegalArgumentException("no tokens to attend to past " + from + " of " + tokens);
        }

        public String name() { return "latent_attention"; }

        public long[] argElements() {
            long width = (long) heads * headDim;
            return new long[] {batch * width, width, 2L * batch * tokens * width};
        }

        public long flops() { return 4L * batch * tokens * heads * headDim; }
    }

    // ---- Training: backward passes, loss and optimiser. Gradients are written, not accumulated;
    // where two paths meet (residuals) the graph adds them with Add.

    /** Column sums, {@code out[c] = Σ_r in[r, c]} (a bias's gradient): in {@code [rows, cols]}, out {@code [cols]}. Args: out, in. */
    record SumRows(int rows, int cols) implements Op {
        public SumRows {
            positive(rows, cols);
        }

        public String name() { return "sum_rows"; }

        public long[] argElements() { return new long[] {cols, (long) rows * cols}; }

        public long flops() { return (long) rows * cols; }
    }

    /** LayerScale's gamma gradient, {@code dgamma[c] = Σ_r dy[r, c] · x[r, c]} ({@code x} its input). Args: dgamma, dy, x. */
    record LayerScaleBackward(int rows, int dim) implements Op {
        public LayerScaleBackward {
            positive(rows, dim);
        }

        public String name() { return "layer_scale_backward"; }

        public long[] argElements() { return new long[] {dim, (long) rows * dim, (long) rows * dim}; }

        public long flops() { return 2L * rows * dim; }
    }

    /** {@code dx = dy · gelu'(x)}, in one of GELU's forms (erf by default). Args: dx, dy, x. {@code dx} may be {@code dy}. */
    record GeluBackward(long n, Activation form) implements Op {
        public GeluBackward {
            positive(n);
            geluForm(form);
        }

        /** The erf form. */
        public GeluBackward(long n) { this(n, Activation.GELU); }

        public String name() { return "gelu_backward"; }

        public long[] argElements() { return new long[] {n, n, n}; }

        public long flops() { return 25L * n; }
    }

    /**
     * LayerNorm's gradients from the upstream gradient {@code dy} and the forward input {@code x}
     * (mean and variance are recomputed). Args: dx, dgamma, dbeta, dy, x, gamma.
     */
    record LayerNormBackward(int rows, int dim, float eps) implements Op {
        public LayerNormBackward {
            positive(rows, dim);
        }

        public String name() { return "layernorm_backward"; }

        public int outputs() { return 3; }

        public long[] argElements() {
            long n = (long) rows * dim;
            return new long[] {n, dim, dim, n, n, dim};
        }

        public long flops() { return 14L * rows * dim; }
    }

    /**
     * Attention's gradient with respect to its fused input, from the upstream gradient and the
     * forward input (probabilities recomputed). Args: dqkv {@code [batch, tokens, 3, heads, headDim]},
     * dout {@code [batch, tokens, heads·headDim]}, qkv.
     */
    record AttentionBackward(int batch, int tokens, int heads, int headDim) implements Op {
        public AttentionBackward {
            positive(batch, tokens, heads, headDim);
        }

        public String name() { return "attention_backward"; }

        public long[] argElements() {
            long width = (long) heads * headDim, qkv = 3L * batch * tokens * width;
            return new long[] {qkv, (long) batch * tokens * width, qkv};
        }

        public long flops() { return 10L * batch * heads * tokens * tokens * headDim; }
    }

    /**
     * Softmax cross-entropy with label smoothing, and its gradient for the mean loss over the rows:
     * target = (1 - smoothing)·onehot + smoothing/classes. Labels are class indices stored as
     * floats. Args: losses {@code [rows]}, dlogits {@code [rows, classes]}, logits, labels {@code [rows]}.
     */
    record CrossEntropy(int rows, int classes, float smoothing) implements Op {
        public CrossEntropy {
            positive(rows, classes);
            if (!(smoothing >= 0 && smoothing < 1)) throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + smoothing);
        }

        public String name() { return "cross_entropy"; }

        public int outputs() { return 2; }

        public long[] argElements() {
            long n = (long) rows * classes;
            return new long[] {rows, n, n, rows};
        }

        public long flops() { return 8L * rows * classes; }
    }

    /** Patch embedding's weight and bias gradients (the image needs none). Args: dweight, dbias, dout, image. */
    record PatchEmbedBackward(int batch, int channels, int height, int width, int patch, int hidden) implements Op {
        public PatchEmbedBackward {
            new PatchEmbed(batch, channels, height, width, patch, hidden); // the same checks
        }

        PatchEmbed forward() { return new PatchEmbed(batch, channels, height, width, patch, hidden); }

        public String name() { return "patch_embed_backward"; }

        public int outputs() { return 2; }

        public long[] argElements() {
            long[] f = forward().argElements(); // out, image, weight, bias
            return new long[] {f[2], f[3], f[0], f[1]};
        }

        public long flops() { return forward().flops(); }
    }

    /**
     * {@link EmbedTokens}' gradients: {@code dpatches[b, i] = dx[b, prefix + i]}, {@code dpre[t] = Σ_b dx[b, t]},
     * {@code dpos[t - positionsFrom] = Σ_b dx[b, t]}. Args: dpatches, dpre, dpos, dx; without prefix tokens
     * dpatches, dpos, dx.
     */
    record EmbedTokensBackward(int batch, int prefix, int patches, int hidden, boolean prefixPositions) implements Op {
        public EmbedTokensBackward {
            new EmbedTokens(batch, prefix, patches, hidden, prefixPositions); // the same checks
        }

        /** The plain ViT's: one class token, positions for every token. */
        public EmbedTokensBackward(int batch, int patches, int hidden) {
            this(batch, 1, patches, hidden, true);
        }

        public EmbedTokens forward() { return new EmbedTokens(batch, prefix, patches, hidden, prefixPositions); }

        public String name() { return "embed_tokens_backward"; }

        public int outputs() { return prefix > 0 ? 3 : 2; }

        public long[] argElements() {
            long[] f = forward().argElements(); // out, patches, (pre,) pos
            return prefix > 0 ? new long[] {f[1], f[2], f[3], f[0]} : new long[] {f[1], f[2], f[0]};
        }

        public long flops() { return forward().flops(); }
    }

    /** {@link ClassToken}'s gradient: {@code dx[b, token] = dcls[b]}, zero elsewhere. Args: dx, dcls. */
    record ClassTokenBackward(int batch, int tokens, int hidden, int token) implements Op {
        public ClassTokenBackward {
            positive(batch, tokens, hidden);
            tokenIndex(token, tokens);
        }

        /** The class token's, the first. */
        public ClassTokenBackward(int batch, int tokens, int hidden) {
            this(batch, tokens, hidden, 0);
        }

        public String name() { return "class_token_backward"; }

        public long[] argElements() { return new long[] {(long) batch * tokens * hidden, (long) batch * hidden}; }

        public long flops() { return 0; }
    }

    /**
     * {@link TokenPool}'s gradient from the upstream gradient and the forward input (the maximum
     * recomputed; ties share the gradient equally, as PyTorch's {@code amax}); zero for the prefix
     * tokens except the class token of {@code CLASS_AND_AVG}. Args: dx, dy, x.
     */
    record TokenPoolBackward(int batch, int tokens, int hidden, int prefix, Pooling pooling) implements Op {
        public TokenPoolBackward {
            positive(batch, tokens, hidden);
            checkPrefix(tokens, prefix, pooling);
        }

        public String name() { return "token_pool_backward"; }

        public long[] argElements() {
            long x = (long) batch * tokens * hidden;
            return new long[] {x, (long) batch * pooling.width(hidden), x};
        }

        public long flops() { return 3L * batch * tokens * hidden; }
    }

    /**
     * {@link LatentAttention}'s gradients, probabilities recomputed: dq per image {@code [batch, heads·headDim]}
     * (the graph sums them over the batch, the query being shared), dkv {@code [batch, tokens, 2, heads, headDim]},
     * zero for the tokens before {@code from}. Args: dq, dkv, dout {@code [batch, heads·headDim]}, q, kv.
     */
    record LatentAttentionBackward(int batch, int tokens, int from, int heads, int headDim) implements Op {
        public LatentAttentionBackward {
            new LatentAttention(batch, tokens, from, heads, headDim); // the same checks
        }

        public String name() { return "latent_attention_backward"; }

        public int outputs() { return 2; }

        public long[] argElements() {
            long[] f = new LatentAttention(batch, tokens, from, heads, headDim).argElements(); // out, q, kv
            return new long[] {f[0], f[2], f[0], f[1], f[2]};
        }

        public long flops() { return 3L * new LatentAttention(batch, tokens, from, heads, headDim).flops(); }
    }

    /** {@code out[i] = value}. Args: out. */
    record Fill(long n, float value) implements Op {
        public Fill {
            positive(n);
        }

        public String name() { return "fill"; }

        public long[] argElements() { return new long[] {n}; }

        public long flops() { return 0; }
    }

    /** {@code acc[0] += Σ x[i]²}: a term of the gradients' global norm. Args: acc (read and written), x. */
    record AccumulateSquares(long n) implements Op {
        public AccumulateSquares {
            positive(n);
        }

        public String name() { return "accumulate_squares"; }

        public long[] argElements() { return new long[] {1, n}; }

        public long flops() { return 2L * n; }
    }

    /**
     * One AdamW step on a parameter tensor, in place, with decoupled weight decay and the gradient
     * scaled to a global norm of at most {@code maxNorm} (0: no clipping). {@code norm2} holds the
     * squared global norm of all gradients; {@code schedule} holds {@code [lr, 1 - beta1^t, 1 - beta2^t]}
     * for this step. Args: param, m, v (each read and written), grad, norm2 {@code [1]}, schedule {@code [3]}.
     */
    record AdamW(long n, float beta1, float beta2, float eps, float weightDecay, float maxNorm) implements Op {
        public AdamW {
            positive(n);
        }

        public String name() { return "adamw"; }

        public int outputs() { return 3; }

        public long[] argElements() { return new long[] {n, n, n, n, 1, 3}; }

        public long flops() { return 14L * n; }
    }

    private static void checkPrefix(int tokens, int prefix, Pooling pooling) {
        if (prefix < 0 || prefix >= tokens)
            throw new IllegalArgumentException("pooling needs at least one token past the " + prefix + " prefix tokens, of " + tokens);
        if (pooling == Pooling.CLASS_AND_AVG && prefix < 1)
            throw new IllegalArgumentException("pooling the class token needs it among the prefix tokens");
    }

    private static void geluForm(Activation form) {
        if (form == null || form == Activation.NONE) throw new IllegalArgumentException("a GELU needs one of its forms, got " + form);
    }

    private static void positive(long... sizes) {
        for (long s : sizes)
            if (s <= 0) throw new IllegalArgumentException("operator sizes must be positive, got " + s);
    }

    private static void tokenIndex(int token, int tokens) {
        if (token < 0 || token >= tokens) throw new IllegalArgumentException("token " + token + " is not one of the " + tokens + " tokens");
    }
}
