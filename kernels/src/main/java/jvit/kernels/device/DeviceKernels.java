package jvit.kernels.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jvit.kernels.Op;
import jvit.kernels.device.DeviceLimits.DeviceType;
import jvit.kernels.device.KernelArg.Int;
import jvit.kernels.device.KernelArg.Null;
import jvit.kernels.device.KernelArg.Tensor;

/**
 * How each catalogue operator runs on a device (OpenCL, CUDA): its kernels, grids and arguments,
 * from the operator's sizes and the device's limits. A device backend is a thin adapter over
 * this: it builds each {@link KernelLaunch#program()}, binds the arguments and launches. Most
 * operators take one launch; a reduction that must not depend on timing (no float atomics) takes
 * two or more, the first ones leaving partial results in scratch buffers ({@link KernelArg.Scratch})
 * that the last one combines in a fixed order.
 *
 * <p>Two variants: the kernels here, one output (or a tile of outputs, through local memory) per
 * thread, written for GPUs and run on every other device too; and, for CPU devices, those of
 * {@link CpuDeviceKernels}, where each work-item computes a block with explicit vectors.
 *
 * <p>The shapes chosen here and the constants in the sources agree: see each source for the
 * design of its kernel.
 */
public final class DeviceKernels {
    /** Outputs a matmul thread computes along each side ({@code WORK} in gemm.h). */
    static final int MATMUL_WORK = 4;
    /** Threads along each side of a matmul work-group, at most; 16 gives 64 × 64 tiles. */
    static final int MATMUL_THREADS = 16;
    /** Threads of a row reduction ({@code MAX_GROUP} in reduce.h) or an elementwise kernel, at most. */
    static final int GROUP = 256;
    /** Query rows of one attention work-group, and keys per local-memory tile, at most. */
    static final int QUERY_ROWS = 64, KEYS = 32;
    /** Threads along x of a two-dimensional work-group (column sums): a warp's worth of neighbouring columns. */
    static final int COLUMNS = 32;
    /** Elements each thread of a sum of squares adds, at least, and its parts (work-groups) per compute unit, at most. */
    static final int SQUARES_PER_THREAD = 16, PARTS_PER_UNIT = 8;
    /** Bands of rows (work-groups) per compute unit of a LayerNorm backward pass, at most. */
    static final int BANDS_PER_UNIT = 4;

    private DeviceKernels() {}

    /** The launches that apply {@code op} on a device with these limits, to be queued in this order. */
    public static List<KernelLaunch> launches(Op op, DeviceLimits limits) {
        return launches(op, limits, Set.of());
    }

    /**
     * As {@link #launches(Op, DeviceLimits)}, where the arguments at the indices {@code constant} hold
     * the same values on every execution of the graph (weights copied in once, written by no task):
     * a CPU device's product packs such a B once, into a {@link KernelArg.Kept} buffer.
     */
    public static List<KernelLaunch> launches(Op op, DeviceLimits limits, Set<Integer> constant) {
        for (long elements : op.argElements())
            if (elements > Integer.MAX_VALUE)
                throw new IllegalArgumentException(op + " has a tensor of " + elements + " elements; device kernels index with 32-bit ints");
        if (limits.type() == DeviceType.CPU) return CpuDeviceKernels.launches(op, limits, constant).orElseGet(() -> generic(op, limits));
        return generic(op, limits);
    }

    /** The launches of the GPU kernels, which run on any device. */
    private static List<KernelLaunch> generic(Op op, DeviceLimits limits) {
        return switch (op) {
            case Op.Matmul o -> List.of(matmul(o, limits));
            case Op.LayerNorm o -> List.of(rowwise("layernorm.cl", "layernorm", o.rows(), o.dim(), limits,
                    tensors(4), new Int(o.dim()), new KernelArg.Float(o.eps())));
            case Op.Softmax o -> List.of(rowwise("softmax.cl", "softmax", o.rows(), o.dim(), limits, tensors(2), new Int(o.dim())));
            case Op.Attention o -> List.of(attention(o, limits));
            case Op.Gelu o -> List.of(elementwise("gelu.cl", "gelu_forward", o.n(), limits, tensors(2), new Int(o.form().code()),
                    new Int((int) o.n())));
            case Op.QkSplit o -> {
                long n = o.argElements()[0];
                yield List.of(elementwise("qk_heads.cl", "qk_split", n, limits, tensors(3), new Int(o.heads() * o.headDim()), new Int((int) n)));
            }
            case Op.QkMerge o -> {
                long n = o.argElements()[0];
                yield List.of(elementwise("qk_heads.cl", "qk_merge", n, limits, tensors(4), new Int(o.heads() * o.headDim()), new Int((int) n)));
            }
            case Op.Add o -> List.of(elementwise("add.cl", "add", o.n(), limits, tensors(3), new Int((int) o.n())));
            case Op.LayerScale o -> {
                long n = o.argElements()[0];
                yield List.of(elementwise("layer_scale.cl", "layer_scale", n, limits, tensors(3), new Int(o.dim()), new Int((int) n)));
            }
            case Op.LayerScaleBackward o -> {
                long[] group = columnsByRows(limits);
                yield List.of(new KernelLaunch(new KernelProgram("layer_scale_backward.cl", List.of()), "layer_scale_backward",
                        new long[] {blocks(o.dim(), group[0]) * group[0], group[1]}, group,
                        List.of(new Tensor(0), new Tensor(1), new Tensor(2), new Int(o.rows()), new Int(o.dim()))));
            }
            case Op.PatchEmbed o -> List.of(patchEmbed(o, limits));
            case Op.EmbedTokens o -> {
                long n = o.argElements()[0];
                yield List.of(elementwise("embed_tokens.cl", "embed_tokens", n, limits, embedTokensArgs(o, 2), new Int(o.prefix()),
                        new Int(o.positionsFrom()), new Int(o.patches()), new Int(o.hidden()), new Int((int) n)));
            }
            case Op.ClassToken o -> {
                long n = (long) o.batch() * o.hidden();
                yield List.of(elementwise("class_token.cl", "class_token", n, limits, tensors(2),
                        new Int(o.tokens()), new Int(o.hidden()), new Int(o.token()), new Int((int) n)));
            }
            case Op.TokenPool o -> List.of(elementwise("token_pool.cl", "token_pool", (long) o.batch() * o.hidden(), limits, tensors(2),
                    new Int(o.tokens()), new Int(o.hidden()), new Int(o.prefix()), new Int(o.pooling().ordinal()),
                    new Int(o.batch() * o.hidden())));
            case Op.TokenPoolBackward o -> List.of(elementwise("token_pool_backward.cl", "token_pool_backward",
                    (long) o.batch() * o.hidden(), limits, tensors(3), new Int(o.tokens()), new Int(o.hidden()), new Int(o.prefix()),
                    new Int(o.pooling().ordinal()), new Int(o.batch() * o.hidden())));
            case Op.LatentAttention o -> {
                int n = o.batch() * o.heads() * o.headDim();
                yield List.of(elementwise("latent_attention.cl", "latent_attention", n, limits, tensors(3), new Int(o.tokens()),
                        new Int(o.from()), new Int(o.heads()), new Int(o.headDim()), new KernelArg.Float(latentScale(o.headDim())), new Int(n)));
            }
            case Op.LatentAttentionBackward o -> {
                int n = o.batch() * o.heads();
                yield List.of(elementwise("latent_attention_backward.cl", "latent_attention_backward", n, limits, tensors(5),
                        new Int(o.tokens()), new Int(o.from()), new Int(o.heads()), new Int(o.headDim()),
                        new KernelArg.Float(latentScale(o.headDim())), new Int(n)));
            }
            case Op.SumRows o -> List.of(sumRows(o.rows(), o.cols(), new Tensor(0), new Tensor(1), limits));
            case Op.GeluBackward o -> List.of(elementwise("gelu_backward.cl", "gelu_backward", o.n(), limits, tensors(3),
                    new Int(o.form().code()), new Int((int) o.n())));
            case Op.CrossEntropy o -> List.of(elementwise("cross_entropy.cl", "cross_entropy", o.rows(), limits, tensors(4),
                    new Int(o.rows()), new Int(o.classes()), new KernelArg.Float(o.smoothing())));
            case Op.EmbedTokensBackward o -> List.of(elementwise("embed_tokens_backward.cl", "embed_tokens_backward",
                    (long) o.forward().tokens() * o.hidden(), limits, embedTokensArgs(o.forward(), 1), new Int(o.batch()),
                    new Int(o.prefix()), new Int(o.forward().positionsFrom()), new Int(o.patches()), new Int(o.hidden())));
            case Op.ClassTokenBackward o -> {
                long n = o.argElements()[0];
                yield List.of(elementwise("class_token_backward.cl", "class_token_backward", n, limits, tensors(2),
                        new Int(o.tokens()), new Int(o.hidden()), new Int(o.token()), new Int((int) n)));
            }
            case Op.Fill o -> List.of(elementwise("fill.cl", "fill", o.n(), limits, tensors(1), new KernelArg.Float(o.value()),
                    new Int((int) o.n())));
            case Op.LayerNormBackward o -> layerNormBackward(o, limits);
            case Op.AttentionBackward o -> attentionBackward(o, limits);
            case Op.PatchEmbedBackward o -> List.of(patchEmbedBackward(o, limits), sumRows(o.batch() * patches(o), o.hidden(),
                    new Tensor(1), new Tensor(2), limits));
            case Op.AccumulateSquares o -> accumulateSquares(o, limits);
            case Op.AdamW o -> List.of(elementwise("adamw.cl", "adamw", o.n(), limits, adamwArgs(o), new Int((int) o.n())));
        };
    }

    /** {@code 1/√d} in float, as the Java kernel rounds it. */
    private static float latentScale(int headDim) { return (float) (1 / Math.sqrt(headDim)); }

    /** AdamW's tensors and hyperparameters, as both variants' kernels take them before n. */
    static List<KernelArg> adamwArgs(Op.AdamW o) {
        List<KernelArg> args = tensors(6);
        args.addAll(List.of(new KernelArg.Float(o.beta1()), new KernelArg.Float(o.beta2()), new KernelArg.Float(o.eps()),
                new KernelArg.Float(o.weightDecay()), new KernelArg.Float(o.maxNorm())));
        return args;
    }

    /** {@code out[c] = Σ_r in[r, c]}: a work-group per band of columns, its rows of threads sharing the rows. */
    static KernelLaunch sumRows(int rows, int cols, KernelArg out, KernelArg in, DeviceLimits limits) {
        long[] group = columnsByRows(limits);
        return new KernelLaunch(new KernelProgram("sum_rows.cl", List.of()), "sum_rows",
                new long[] {blocks(cols, group[0]) * group[0], group[1]}, group, List.of(out, in, new Int(rows), new Int(cols)));
    }

    /** A work-group of a power of two threads, up to 256: up to 32 along x (columns), the rest along y. */
    private static long[] columnsByRows(DeviceLimits limits) {
        int group = Integer.highestOneBit(Math.min(GROUP, limits.maxWorkGroupSize())), x = Math.min(COLUMNS, group);
        return new long[] {x, group / x};
    }

    /** Partial sums over equal parts of x, one work-group each, then their total added to acc in order. */
    private static List<KernelLaunch> accumulateSquares(Op.AccumulateSquares o, DeviceLimits limits) {
        int group = Integer.highestOneBit(Math.min(GROUP, limits.maxWorkGroupSize()));
        int parts = (int) Math.clamp(blocks(o.n(), (long) group * SQUARES_PER_THREAD), 1, (long) PARTS_PER_UNIT * limits.computeUnits());
        var partial = new KernelArg.Scratch(0, parts);
        return List.of(new KernelLaunch(new KernelProgram("square_sums.cl", List.of()), "square_sums", new long[] {(long) parts * group},
                new long[] {group}, List.of(partial, new Tensor(1), new Int((int) o.n()), new Int(parts))), accumulateSum(partial, parts));
    }

    /** {@code acc[0] += Σ partial}, by one thread, in order. */
    static KernelLaunch accumulateSum(KernelArg.Scratch partial, int parts) {
        return new KernelLaunch(new KernelProgram("accumulate_sum.cl", List.of()), "accumulate_sum", new long[] {1}, new long[] {1},
                List.of(new Tensor(0), partial, new Int(parts)));
    }

    /** One 64 × 64 tile of C per work-group of 16 × 16 threads (smaller where the device needs), the batch in z. */
    private static KernelLaunch matmul(Op.Matmul o, DeviceLimits limits) {
        int threads = matmulThreads(limits);
        List<KernelArg> args = tensors(3);
        args.add(o.bias() ? new Tensor(3) : new Null());
        args.addAll(List.of(new Int(o.m()), new Int(o.n()), new Int(o.k()), new Int(o.transposedA() ? 1 : 0),
                new Int(o.transposedB() ? 1 : 0), new Int(o.activation().code()), new Int(o.accumulate() ? 1 : 0)));
        return tiled("matmul.cl", "matmul", threads, o.m(), o.n(), o.batch(), args);
    }

    /** The matmul tiling, with im2col on the fly: M = batch · patches, N = hidden, K = channels · patch². */
    private static KernelLaunch patchEmbed(Op.PatchEmbed o, DeviceLimits limits) {
        int threads = matmulThreads(limits), rows = o.batch() * o.patches();
        List<KernelArg> args = tensors(4);
        args.addAll(List.of(new Int(o.channels()), new Int(o.height()), new Int(o.width()), new Int(o.patch()),
                new Int(rows), new Int(o.hidden())));
        return tiled("patch_embed.cl", "patch_embed", threads, rows, o.hidden(), 1, args);
    }

    /** dweight by the matmul tiling: M = hidden, N = channels · patch², summed over K = batch · patches. */
    private static KernelLaunch patchEmbedBackward(Op.PatchEmbedBackward o, DeviceLimits limits) {
        int threads = matmulThreads(limits);
        List<KernelArg> args = List.of(new Tensor(0), new Tensor(2), new Tensor(3), new Int(o.channels()), new Int(o.height()),
                new Int(o.width()), new Int(o.patch()), new Int(o.batch() * patches(o)), new Int(o.hidden()));
        return tiled("patch_embed_backward.cl", "patch_embed_backward", threads, o.hidden(), o.channels() * o.patch() * o.patch(), 1,
                args);
    }

    static int patches(Op.PatchEmbedBackward o) {
        return (o.height() / o.patch()) * (o.width() / o.patch());
    }

    private static KernelLaunch tiled(String file, String kernel, int threads, int m, int n, int batch, List<KernelArg> args) {
        int tile = threads * MATMUL_WORK;
        return new KernelLaunch(new KernelProgram(file, List.of("THREADS=" + threads)), kernel,
                new long[] {(long) blocks(n, tile) * threads, (long) blocks(m, tile) * threads, batch},
                new long[] {threads, threads, 1}, args);
    }

    /** The largest power of two t ≤ 16 with t² threads allowed in a work-group. */
    private static int matmulThreads(DeviceLimits limits) {
        int t = MATMUL_THREADS;
        while (t > 1 && t * t > limits.maxWorkGroupSize()) t /= 2;
        return t;
    }

    /**
     * One work-group per block of query rows of one head of one sequence (grid: query blocks, heads,
     * batch). Keys and values go through local memory in tiles of up to 32 rows, fewer where a tile
     * of a large head would not fit.
     */
    private static KernelLaunch attention(Op.Attention o, DeviceLimits limits) {
        var program = new KernelProgram("attention.cl", List.of("HEAD_DIM=" + o.headDim(), "KEYS=" + tileRows(o, 2L * o.headDim(), limits)));
        List<KernelArg> args = tensors(2);
        args.addAll(List.of(new Int(o.tokens()), new Int(o.heads()), new KernelArg.Float((float) (1 / Math.sqrt(o.headDim())))));
        return attentionLaunch(program, "attention", o.batch(), o.tokens(), o.heads(), limits, args);
    }

    /**
     * Two launches, each with a work-group per block of rows of one head of one sequence: one thread
     * per query row finds its softmax's log-sum-exp and D = Σ p·dp (kept in scratch) and computes dq;
     * then one thread per key row computes dk and dv from them. Tiles of the other side's rows go
     * through local memory, as in the forward.
     */
    private static List<KernelLaunch> attentionBackward(Op.AttentionBackward o, DeviceLimits limits) {
        var stats = new KernelArg.Scratch(0, 2L * o.batch() * o.heads() * o.tokens());
        List<KernelArg> args = List.of(new Tensor(0), stats, new Tensor(1), new Tensor(2), new Int(o.tokens()), new Int(o.heads()),
                new KernelArg.Float((float) (1 / Math.sqrt(o.headDim()))));
        var queries = new KernelProgram("attention_backward_queries.cl",
                List.of("HEAD_DIM=" + o.headDim(), "KEYS=" + tileRows(o, 2L * o.headDim(), limits)));
        var keys = new KernelProgram("attention_backward_keys.cl",
                List.of("HEAD_DIM=" + o.headDim(), "QUERIES=" + tileRows(o, 2L * o.headDim() + 2, limits)));
        return List.of(attentionLaunch(queries, "attention_backward_queries", o.batch(), o.tokens(), o.heads(), limits, args),
                attentionLaunch(keys, "attention_backward_keys", o.batch(), o.tokens(), o.heads(), limits, args));
    }

    private static KernelLaunch attentionLaunch(KernelProgram program, String kernel, int batch, int tokens, int heads,
                                                DeviceLimits limits, List<KernelArg> args) {
        int rows = Math.min(QUERY_ROWS, limits.maxWorkGroupSize());
        return new KernelLaunch(program, kernel, new long[] {(long) blocks(tokens, rows) * rows, heads, batch}, new long[] {rows, 1, 1},
                args);
    }

    /** Rows of a local-memory tile of {@code floatsPerRow} floats: up to 32, as many as the device's local memory holds. */
    private static long tileRows(Op op, long floatsPerRow, DeviceLimits limits) {
        long rows = Math.min(KEYS, limits.localMemoryBytes() / (Float.BYTES * floatsPerRow));
        if (rows < 1)
            throw new IllegalArgumentException(op + " needs " + Float.BYTES * floatsPerRow + " bytes of local memory for a row of a tile;"
                    + " the device has " + limits.localMemoryBytes());
        return rows;
    }

    /** One work-group per row. */
    private static KernelLaunch rowwise(String file, String kernel, int rows, int dim, DeviceLimits limits,
                                        List<KernelArg> args, KernelArg... scalars) {
        int group = rowGroup(dim, limits);
        args.addAll(List.of(scalars));
        return new KernelLaunch(new KernelProgram(file, List.of()), kernel, new long[] {(long) rows * group}, new long[] {group}, args);
    }

    /** Threads of a work-group that works along rows of {@code dim}: a power of two no larger than a row needs. */
    private static int rowGroup(int dim, DeviceLimits limits) {
        int group = Integer.highestOneBit(Math.min(GROUP, limits.maxWorkGroupSize()));
        while (group > 1 && group / 2 >= dim) group /= 2;
        return group;
    }

    /** dx and each band's partial dgamma and dbeta, a work-group per band of rows; then the bands' sums, in order. */
    private static List<KernelLaunch> layerNormBackward(Op.LayerNormBackward o, DeviceLimits limits) {
        int group = rowGroup(o.dim(), limits), bands = Math.min(o.rows(), BANDS_PER_UNIT * limits.computeUnits());
        KernelArg.Scratch dgammaParts = new KernelArg.Scratch(0, (long) bands * o.dim()), dbetaParts = new KernelArg.Scratch(1, (long) bands * o.dim());
        var rows = new KernelLaunch(new KernelProgram("layernorm_backward.cl", List.of()), "layernorm_backward",
                new long[] {(long) bands * group}, new long[] {group}, layerNormBackwardArgs(o, dgammaParts, dbetaParts, bands));
        return List.of(rows, sumRows(bands, o.dim(), new Tensor(1), dgammaParts, limits), sumRows(bands, o.dim(), new Tensor(2), dbetaParts, limits));
    }

    /** The arguments of both variants' layernorm_backward kernel. */
    static List<KernelArg> layerNormBackwardArgs(Op.LayerNormBackward o, KernelArg dgammaParts, KernelArg dbetaParts, int bands) {
        return List.of(new Tensor(0), dgammaParts, dbetaParts, new Tensor(3), new Tensor(4), new Tensor(5), new Int(o.rows()),
                new Int(o.dim()), new KernelArg.Float(o.eps()), new Int(bands));
    }

    /** One thread per element. */
    private static KernelLaunch elementwise(String file, String kernel, long n, DeviceLimits limits,
                                            List<KernelArg> args, KernelArg... scalars) {
        int group = Math.min(GROUP, limits.maxWorkGroupSize());
        args.addAll(List.of(scalars));
        return new KernelLaunch(new KernelProgram(file, List.of()), kernel, new long[] {(long) blocks(n, group) * group},
                new long[] {group}, args);
    }

    /** Buffers of the operator's first {@code count} arguments, in order; a list the caller extends. */
    static List<KernelArg> tensors(int count) {
        List<KernelArg> args = new ArrayList<>();
        for (int i = 0; i < count; i++) args.add(new Tensor(i));
        return args;
    }

    /**
     * The four buffers of EmbedTokens (out, patches, pre, pos) or its backward pass (dpatches, dpre, dpos, dx), pre's
     * (dpre's) at {@code preAt}: a null pointer there without prefix tokens, whose operators take three tensors.
     */
    static List<KernelArg> embedTokensArgs(Op.EmbedTokens forward, int preAt) {
        List<KernelArg> args = tensors(4);
        if (forward.prefix() > 0) return args;
        args.set(preAt, new Null());
        for (int i = preAt + 1; i < 4; i++) args.set(i, new Tensor(i - 1));
        return args;
    }

    static int blocks(long n, long size) {
        return Math.toIntExact((n + size - 1) / size);
    }
}
