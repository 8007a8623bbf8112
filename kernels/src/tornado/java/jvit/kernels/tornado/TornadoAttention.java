package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Multi-head self-attention {@code softmax(Q·Kᵀ/√d)·V} and its backward pass, flash-style as attention.cl
 * and attention_backward_{queries,keys}.cl: the tokens × tokens scores never exist in memory. qkv is
 * {@code [batch, tokens, 3, heads, headDim]}, out {@code [batch, tokens, heads·headDim]}.
 *
 * <p>Launch: one work-item per row (query row, or key row in the second backward task) of one head
 * of one sequence, grid (rows, heads, batch). Each work-item keeps its row's vectors in private
 * arrays of {@link #MAX_HEAD_DIM} (TornadoVM sizes private arrays by constants; heads up to that
 * size are accepted) and reads the other side's rows from global memory, {@link #KEYS} at a time:
 * unlike the OpenCL C kernels there is no local-memory tile, which on a CPU device (PoCL) would
 * spill the private rows at every barrier. Rows past the sequence compute with its last row and
 * store nothing.
 */
public final class TornadoAttention {
    /** The largest head the kernels take: the size of their private rows. */
    public static final int MAX_HEAD_DIM = 128;
    /**
     * The start of a running maximum: TornadoVM builds kernels with -cl-fast-relaxed-math, under which
     * infinities are undefined (PoCL gave NaN for exp(-inf - x)), so the lowest finite float stands in for -inf.
     */
    static final float LOWEST = -Float.MAX_VALUE;
    /** Keys scored at a time before the running softmax is rescaled once for all of them. */
    static final int KEYS = 32;

    private TornadoAttention() {}

    public static void forward(KernelContext context, FloatArray out, FloatArray qkv, int tokens, int heads, int headDim, float scale) {
        float[] q = new float[MAX_HEAD_DIM];
        float[] o = new float[MAX_HEAD_DIM];
        float[] s = new float[KEYS];
        int row = context.globalIdx, h = context.globalIdy, b = context.globalIdz;
        int width = heads * headDim, stride = 3 * width, r = TornadoMath.min(row, tokens - 1);
        int head = b * tokens * stride + h * headDim;
        for (int d = 0; d < headDim; d++) {
            q[d] = qkv.get(head + r * stride + d) * scale;
            o[d] = 0.0f;
        }
        float runningMax = LOWEST, sum = 0.0f;
        for (int j0 = 0; j0 < tokens; j0 += KEYS) {
            int count = TornadoMath.min(KEYS, tokens - j0);
            float tileMax = LOWEST;
            for (int j = 0; j < count; j++) {
                int key = head + (j0 + j) * stride + width;
                float dot = 0.0f;
                for (int d = 0; d < headDim; d++) dot += q[d] * qkv.get(key + d);
                s[j] = dot;
                tileMax = TornadoMath.max(tileMax, dot);
            }
            float newMax = TornadoMath.max(runningMax, tileMax);
            float rescale = TornadoMath.exp(runningMax - newMax); // 0 on the first tile, where the maximum is LOWEST
            sum *= rescale;
            for (int d = 0; d < headDim; d++) o[d] *= rescale;
            for (int j = 0; j < count; j++) {
                float p = TornadoMath.exp(s[j] - newMax);
                sum += p;
                int value = head + (j0 + j) * stride + 2 * width;
                for (int d = 0; d < headDim; d++) o[d] += p * qkv.get(value + d);
            }
            runningMax = newMax;
        }
        if (row < tokens) {
            int dst = (b * tokens + row) * width + h * headDim;
            float inv = 1.0f / sum;
            for (int d = 0; d < headDim; d++) out.set(dst + d, o[d] * inv);
        }
    }

    /**
     * The backward pass's first task, per query row i: a first sweep over the keys finds the
     * log-sum-exp L_i of the scores and D_i = Σ_j p_ij·dp_ij ({@code dp_ij = do_i·v_j}); a second adds up
     * {@code dq_i = Σ_j p_ij (dp_ij - D_i) k_j / √d}. L_i and D_i go to stats {@code [batch, heads, tokens, 2]}.
     */
    public static void backwardQueries(KernelContext context, FloatArray dqkv, FloatArray stats, FloatArray dout, FloatArray qkv,
                                       int tokens, int heads, int headDim, float scale) {
        float[] q = new float[MAX_HEAD_DIM];
        float[] dO = new float[MAX_HEAD_DIM];
        float[] dq = new float[MAX_HEAD_DIM];
        float[] s = new float[KEYS];
        float[] dp = new float[KEYS];
        int row = context.globalIdx, h = context.globalIdy, b = context.globalIdz;
        int width = heads * headDim, stride = 3 * width, r = TornadoMath.min(row, tokens - 1);
        int head = b * tokens * stride + h * headDim, dhead = b * tokens * width + h * headDim;
        for (int d = 0; d < headDim; d++) {
            q[d] = qkv.get(head + r * stride + d) * scale;
            dO[d] = dout.get(dhead + r * width + d);
            dq[d] = 0.0f;
        }
        float runningMax = LOWEST, sum = 0.0f, weighted = 0.0f; // weighted: Σ exp(s - runningMax)·dp
        for (int j0 = 0; j0 < tokens; j0 += KEYS) {
            int count = TornadoMath.min(KEYS, tokens - j0);
            float tileMax = LOWEST;
            for (int j = 0; j < count; j++) {
                int key = head + (j0 + j) * stride + width;
                float dot = 0.0f, dotV = 0.0f;
                for (int d = 0; d < headDim; d++) {
                    dot += q[d] * qkv.get(key + d);
                    dotV += dO[d] * qkv.get(key + width + d);
                }
                s[j] = dot;
                dp[j] = dotV;
                tileMax = TornadoMath.max(tileMax, dot);
            }
            float newMax = TornadoMath.max(runningMax, tileMax);
            float rescale = TornadoMath.exp(runningMax - newMax);
            sum *= rescale;
            weighted *= rescale;
            for (int j = 0; j < count; j++) {
                float p = TornadoMath.exp(s[j] - newMax);
                sum += p;
                weighted += p * dp[j];
            }
            runningMax = newMax;
        }
        float logSum = runningMax + TornadoMath.log(sum), meanDp = weighted / sum;

        for (int j = 0; j < tokens; j++) {
            int key = head + j * stride + width;
            float dot = 0.0f, dotV = 0.0f;
            for (int d = 0; d < headDim; d++) {
                dot += q[d] * qkv.get(key + d);
                dotV += dO[d] * qkv.get(key + width + d);
            }
            float ds = TornadoMath.exp(dot - logSum) * (dotV - meanDp);
            for (int d = 0; d < headDim; d++) dq[d] += ds * qkv.get(key + d);
        }
        if (row < tokens) {
            int dst = (b * tokens + row) * stride + h * headDim;
            for (int d = 0; d < headDim; d++) dqkv.set(dst + d, dq[d] * scale);
            int st = ((b * heads + h) * tokens + row) * 2;
            stats.set(st, logSum);
            stats.set(st + 1, meanDp);
        }
    }

    /**
     * The backward pass's second task, per key row j: {@code dv_j = Σ_i p_ij do_i} and
     * {@code dk_j = Σ_i p_ij (dp_ij - D_i) q_i / √d}, with p_ij recomputed from the first task's L_i, D_i.
     */
    public static void backwardKeys(KernelContext context, FloatArray dqkv, FloatArray stats, FloatArray dout, FloatArray qkv,
                                    int tokens, int heads, int headDim, float scale) {
        float[] k = new float[MAX_HEAD_DIM];
        float[] v = new float[MAX_HEAD_DIM];
        float[] dk = new float[MAX_HEAD_DIM];
        float[] dv = new float[MAX_HEAD_DIM];
        int row = context.globalIdx, h = context.globalIdy, b = context.globalIdz;
        int width = heads * headDim, stride = 3 * width, r = TornadoMath.min(row, tokens - 1);
        int head = b * tokens * stride + h * headDim, dhead = b * tokens * width + h * headDim;
        int headStats = (b * heads + h) * tokens * 2;
        for (int d = 0; d < headDim; d++) {
            k[d] = qkv.get(head + r * stride + width + d);
            v[d] = qkv.get(head + r * stride + 2 * width + d);
            dk[d] = 0.0f;
            dv[d] = 0.0f;
        }
        for (int i = 0; i < tokens; i++) {
            int query = head + i * stride, grad = dhead + i * width;
            float dot = 0.0f, dotV = 0.0f;
            for (int d = 0; d < headDim; d++) {
                dot += qkv.get(query + d) * k[d];
                dotV += dout.get(grad + d) * v[d];
            }
            float p = TornadoMath.exp(dot * scale - stats.get(headStats + 2 * i));
            float ds = p * (dotV - stats.get(headStats + 2 * i + 1)) * scale;
            for (int d = 0; d < headDim; d++) {
                dv[d] += p * dout.get(grad + d);
                dk[d] += ds * qkv.get(query + d);
            }
        }
        if (row < tokens) {
            int dst = (b * tokens + row) * stride + h * headDim;
            for (int d = 0; d < headDim; d++) {
                dqkv.set(dst + width + d, dk[d]);
                dqkv.set(dst + 2 * width + d, dv[d]);
            }
        }
    }
}
