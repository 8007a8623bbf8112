package jvit.kernels;

/**
 * Float64 references of every operator in {@link Op}, written for clarity, not speed: plain
 * loops over {@code double[]} in the same argument order and layout as the kernels. Every backend's
 * tests compare against these.
 */
public final class Reference64 {
    private Reference64() {}

    /** See {@link Op.Matmul}; {@code bias} may be null; {@code gelu} applies the activation (erf GELU). */
    public static double[] matmul(double[] a, double[] b, double[] bias, int batch, int m, int n, int k,
                                  boolean transposedA, boolean transposedB, boolean gelu) {
        return matmul(a, b, bias, batch, m, n, k, transposedA, transposedB, gelu ? Op.Activation.GELU : Op.Activation.NONE);
    }

    /** See {@link Op.Matmul}; {@code bias} may be null. */
    public static double[] matmul(double[] a, double[] b, double[] bias, int batch, int m, int n, int k,
                                  boolean transposedA, boolean transposedB, Op.Activation activation) {
        double[] c = new double[batch * m * n];
        for (int bi = 0; bi < batch; bi++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double sum = bias == null ? 0 : bias[j];
                    for (int p = 0; p < k; p++) {
                        double bv = transposedB ? b[(bi * n + j) * k + p] : b[(bi * k + p) * n + j];
                        double av = transposedA ? a[(bi * k + p) * m + i] : a[(bi * m + i) * k + p];
                        sum += av * bv;
                    }
                    c[(bi * m + i) * n + j] = activation(sum, activation);
                }
        return c;
    }

    public static double[] layerNorm(double[] x, double[] gamma, double[] beta, int rows, int dim, double eps) {
        double[] out = new double[rows * dim];
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int i = 0; i < dim; i++) mean += x[r * dim + i];
            mean /= dim;
            for (int i = 0; i < dim; i++) var += (x[r * dim + i] - mean) * (x[r * dim + i] - mean);
            var /= dim;
            for (int i = 0; i < dim; i++)
                out[r * dim + i] = (x[r * dim + i] - mean) / Math.sqrt(var + eps) * gamma[i] + beta[i];
        }
        return out;
    }

    /** LayerNorm's gradients {dx, dgamma, dbeta} for upstream gradient {@code dy}, analytically. */
    public static double[][] layerNormBackward(double[] dy, double[] x, double[] gamma, int rows, int dim, double eps) {
        double[] dx = new double[rows * dim], dgamma = new double[dim], dbeta = new double[dim];
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int i = 0; i < dim; i++) mean += x[r * dim + i];
            mean /= dim;
            for (int i = 0; i < dim; i++) var += (x[r * dim + i] - mean) * (x[r * dim + i] - mean);
            double rstd = 1 / Math.sqrt(var / dim + eps);
            double[] xhat = new double[dim];
            double meanG = 0, meanGx = 0;
            for (int i = 0; i < dim; i++) {
                xhat[i] = (x[r * dim + i] - mean) * rstd;
                double g = dy[r * dim + i] * gamma[i];
                meanG += g / dim;
                meanGx += g * xhat[i] / dim;
                dgamma[i] += dy[r * dim + i] * xhat[i];
                dbeta[i] += dy[r * dim + i];
            }
            for (int i = 0; i < dim; i++) dx[r * dim + i] = rstd * (dy[r * dim + i] * gamma[i] - meanG - xhat[i] * meanGx);
        }
        return new double[][] {dx, dgamma, dbeta};
    }

    /**
     * The largest rstd·|dy·gamma| of any element: the size of the terms LayerNorm's dx is the
     * difference of, which sets its absolute tolerance (dx may cancel to ~0).
     */
    public static double layerNormTermScale(double[] x, double[] dy, double[] gamma, int rows, int dim) {
        double scale = 0;
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int i = 0; i < dim; i++) mean += x[r * dim + i] / dim;
            for (int i = 0; i < dim; i++) var += (x[r * dim + i] - mean) * (x[r * dim + i] - mean) / dim;
            for (int i = 0; i < dim; i++) scale = Math.max(scale, Math.abs(dy[r * dim + i] * gamma[i]) / Math.sqrt(var + 1e-12));
        }
        return scale;
    }

    public static double[] softmax(double[] x, int rows, int dim) {
        double[] out = new double[rows * dim];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int i = 0; i < dim; i++) max = Math.max(max, x[r * dim + i]);
            for (int i = 0; i < dim; i++) sum += out[r * dim + i] = Math.exp(x[r * dim + i] - max);
            for (int i = 0; i < dim; i++) out[r * dim + i] /= sum;
        }
        return out;
    }

    /** qkv {@code [batch, tokens, 3, heads, headDim]} → {@code [batch, tokens, heads·headDim]}. */
    public static double[] attention(double[] qkv, int batch, int tokens, int heads, int headDim) {
        int width = heads * headDim;
        double[] out = new double[batch * tokens * width];
        double scale = 1 / Math.sqrt(headDim);
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < tokens; i++) {
                    double[] s = new double[tokens];
                    for (int j = 0; j < tokens; j++) {
                        double dot = 0;
                        for (int d = 0; d < headDim; d++)
                            dot += qkv[qkvIndex(b, i, 0, h, d, tokens, heads, headDim)]
                                    * qkv[qkvIndex(b, j, 1, h, d, tokens, heads, headDim)];
                        s[j] = dot * scale;
                    }
                    double[] p = softmax(s, 1, tokens);
                    for (int d = 0; d < headDim; d++) {
                        double sum = 0;
                        for (int j = 0; j < tokens; j++) sum += p[j] * qkv[qkvIndex(b, j, 2, h, d, tokens, heads, headDim)];
                        out[(b * tokens + i) * width + h * headDim + d] = sum;
                    }
                }
        return out;
    }

    private static int qkvIndex(int b, int t, int which, int h, int d, int tokens, int heads, int headDim) {
        return ((((b * tokens + t) * 3 + which) * heads + h) * headDim) + d;
    }

    public static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** The activation {@code form} of x (see {@link Op.Activation}): erf GELU, its tanh approximation, quick GELU, or x. */
    public static double activation(double x, Op.Activation form) {
        return switch (form) {
            case NONE -> x;
            case GELU -> gelu(x);
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case QUICK_GELU -> x / (1 + Math.exp(-1.702 * x));
        };
    }

    public static double[] activation(double[] x, Op.Activation form) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = activation(x[i], form);
        return out;
    }

    /** {@link Op.QkSplit}: the queries and the keys of {@code qkv [rows, 3, heads·headDim]}, each {@code [rows, heads·headDim]}. */
    public static double[][] qkSplit(double[] qkv, int rows, int heads, int headDim) {
        int width = heads * headDim;
        double[] q = new double[rows * width], k = new double[rows * width];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < width; c++) {
                q[r * width + c] = qkv[(r * 3) * width + c];
                k[r * width + c] = qkv[(r * 3 + 1) * width + c];
            }
        return new double[][] {q, k};
    }

    /** {@link Op.QkMerge}: {@code qkv} with its queries and keys from {@code q} and {@code k}. */
    public static double[] qkMerge(double[] qkv, double[] q, double[] k, int rows, int heads, int headDim) {
        int width = heads * headDim;
        double[] out = qkv.clone();
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < width; c++) {
                out[(r * 3) * width + c] = q[r * width + c];
                out[(r * 3 + 1) * width + c] = k[r * width + c];
            }
        return out;
    }

    public static double[] gelu(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = gelu(x[i]);
        return out;
    }

    public static double[] add(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i] + b[i];
        return out;
    }

    /** A direct convolution with stride = kernel = patch, no im2col: image NCHW, weight [hidden, C, p, p]. */
    public static double[] patchEmbed(double[] image, double[] weight, double[] bias,
                                      int batch, int channels, int height, int width, int patch, int hidden) {
        int rowsOfPatches = height / patch, cols = width / patch;
        double[] out = new double[batch * rowsOfPatches * cols * hidden];
        for (int b = 0; b < batch; b++)
            for (int py = 0; py < rowsOfPatches; py++)
                for (int px = 0; px < cols; px++)
                    for (int o = 0; o < hidden; o++) {
                        double sum = bias[o];
                        for (int c = 0; c < channels; c++)
                            for (int dy = 0; dy < patch; dy++)
                                for (int dx = 0; dx < patch; dx++)
                                    sum += image[((b * channels + c) * height + py * patch + dy) * width + px * patch + dx]
                                            * weight[((o * channels + c) * patch + dy) * patch + dx];
                        out[((b * rowsOfPatches + py) * cols + px) * hidden + o] = sum;
                    }
        return out;
    }

    /** The token sequence: {@code prefix} tokens, then the patches; positions added from token {@code positionsFrom} on. */
    public static double[] embedTokens(double[] patches, double[] pre, double[] pos, int batch, int prefix, int patchCount, int hidden,
                                       int positionsFrom) {
        int tokens = prefix + patchCount;
        double[] out = new double[batch * tokens * hidden];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < tokens; t++)
                for (int i = 0; i < hidden; i++)
                    out[(b * tokens + t) * hidden + i] = (t >= positionsFrom ? pos[(t - positionsFrom) * hidden + i] : 0)
                            + (t < prefix ? pre[t * hidden + i] : patches[(b * patchCount + t - prefix) * hidden + i]);
        return out;
    }

    /** timm's {@code global_pool_nlc} over the tokens past {@code prefix} (HF Dinov2's class token and mean for CLASS_AND_AVG). */
    public static double[] tokenPool(double[] x, int batch, int tokens, int hidden, int prefix, jvit.kernels.Op.Pooling pooling) {
        int width = pooling.width(hidden);
        double[] out = new double[batch * width];
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < hidden; c++) {
                double sum = 0, max = Double.NEGATIVE_INFINITY;
                for (int t = prefix; t < tokens; t++) {
                    double v = x[(b * tokens + t) * hidden + c];
                    sum += v;
                    max = Math.max(max, v);
                }
                double mean = sum / (tokens - prefix);
                switch (pooling) {
                    case AVG -> out[b * width + c] = mean;
                    case MAX -> out[b * width + c] = max;
                    case AVGMAX -> out[b * width + c] = 0.5 * (max + mean);
                    case CLASS_AND_AVG -> {
                        out[b * width + c] = x[b * tokens * hidden + c];
                        out[b * width + hidden + c] = mean;
                    }
                }
            }
        return out;
    }

    /** One query q {@code [heads·d]} attending over tokens {@code [from, tokens)} of kv {@code [batch, tokens, 2, heads, d]}, per head. */
    public static double[] latentAttention(double[] q, double[] kv, int batch, int tokens, int from, int heads, int d) {
        int width = heads * d;
        double[] out = new double[batch * width];
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < heads; h++) {
                double[] s = new double[tokens];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int t = from; t < tokens; t++) {
                    for (int e = 0; e < d; e++) s[t] += q[h * d + e] * kv[(b * tokens + t) * 2 * width + h * d + e];
                    s[t] /= Math.sqrt(d);
                    max = Math.max(max, s[t]);
                }
                for (int t = from; t < tokens; t++) sum += Math.exp(s[t] - max);
                for (int t = from; t < tokens; t++)
                    for (int e = 0; e < d; e++)
                        out[b * width + h * d + e] += Math.exp(s[t] - max) / sum * kv[(b * tokens + t) * 2 * width + width + h * d + e];
            }
        return out;
    }

    public static double[] classToken(double[] x, int batch, int tokens, int hidden, int token) {
        double[] out = new double[batch * hidden];
        for (int b = 0; b < batch; b++) System.arraycopy(x, (b * tokens + token) * hidden, out, b * hidden, hidden);
        return out;
    }

    /**
     * erf to about 1e-15: its Maclaurin series for |x| < 3, the continued fraction of erfc beyond
     * (where the series loses digits to cancellation).
     */
    public static double erf(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 3) {
            double term = a, sum = a, x2 = a * a;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(a) = exp(-a²)/√π · 1/(a + 1/2/(a + 1/(a + 3/2/(a + 2/(a + ...))))), evaluated bottom-up.
            double f = a;
            for (int n = 60; n >= 1; n--) f = a + (n / 2.0) / f;
            r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
        }
        return Math.copySign(r, x);
    }

    /** Per-row softmax cross-entropy with label smoothing; labels are class indices. */
    public static double[] crossEntropy(double[] logits, int[] labels, int rows, int classes, double smoothing) {
        double[] p = softmax(logits, rows, classes), loss = new double[rows];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < classes; c++) {
                double target = (c == labels[r] ? 1 - smoothing : 0) + smoothing / classes;
                loss[r] -= target * Math.log(p[r * classes + c]);
            }
        return loss;
    }

    /**
     * One AdamW step as torch.optim.AdamW after clip_grad_norm_(maxNorm) over {@code globalNorm2};
     * returns {param, m, v}.
     */
    public static double[][] adamw(double[] param, double[] m, double[] v, double[] grad, double globalNorm2, int step,
                                   double lr, double beta1, double beta2, double eps, double weightDecay, double maxNorm) {
        double clip = maxNorm > 0 ? Math.min(1, maxNorm / (Math.sqrt(globalNorm2) + 1e-6)) : 1;
        double[] p2 = new double[param.length], m2 = new double[param.length], v2 = new double[param.length];
        for (int i = 0; i < param.length; i++) {
            double g = grad[i] * clip;
            m2[i] = beta1 * m[i] + (1 - beta1) * g;
            v2[i] = beta2 * v[i] + (1 - beta2) * g * g;
            double mHat = m2[i] / (1 - Math.pow(beta1, step)), vHat = v2[i] / (1 - Math.pow(beta2, step));
            p2[i] = param[i] * (1 - lr * weightDecay) - lr * mHat / (Math.sqrt(vHat) + eps);
        }
        return new double[][] {p2, m2, v2};
    }
}
