package jvit.kernels.tornado;

import static jvit.kernels.tornado.Grids.blocks;
import static jvit.kernels.tornado.Grids.cover1D;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jvit.kernels.Op;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.common.TaskPackage;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.collections.VectorFloat16;

/**
 * How each catalogue operator runs on a TornadoVM device: its tasks (kernel, arguments, grid) and
 * scratch arrays, from the operator's sizes, in one place, as {@code jvit.kernels.device.DeviceKernels}
 * is for OpenCL and CUDA. A backend lowers a jvit task to {@link #launch} and adds what it returns to
 * its TornadoVM graph; see {@link TornadoLaunch} and {@link TornadoTask} for what to do with each part.
 *
 * <p>Arguments are the operator's tensors as {@link FloatArray}s, outputs first, in {@link Op}'s order
 * and layout (an argument may be the same array as another where {@code Op} allows it: softmax and
 * GELU in place, add into an input). Every task takes a fresh {@link KernelContext} and has a grid.
 * Scalars (sizes, flags as 0/1, eps, ...) are passed as arguments, which TornadoVM bakes into the
 * compiled kernel: each shape compiles once. Task ids are {@code id} for an operator's main task and
 * {@code id + "_" + part} for the others, so a profile can add an operator's tasks up.
 *
 * <p>Two variants, chosen by the device's type as for jvit's OpenCL devices: CPU devices get the
 * matmul of packed panels and vector blocks ({@link TornadoMatmul#blocked}); every other device the
 * local-memory tiles ({@link TornadoMatmul#tiled}). The other kernels are the same on both.
 */
public final class TornadoKernels {
    /** Work-items of an elementwise kernel's or a row's work-group, at most. */
    static final int GROUP = 256;
    /** Query (or key) rows of an attention work-group. */
    static final int ATTENTION_ROWS = 32;
    /** Elements each work-item of a sum of squares adds, at least, and its parts (work-groups), at most. */
    static final int SQUARES_PER_ITEM = 16, SQUARE_PARTS = 64;

    private TornadoKernels() {}

    /** The tasks and scratch that apply {@code op} to {@code args} (outputs first) on a device of this type. */
    public static TornadoLaunch launch(Op op, String id, TornadoDeviceType device, FloatArray... args) {
        check(op, args);
        boolean cpu = device == TornadoDeviceType.CPU;
        return switch (op) {
            case Op.Matmul o -> matmul(o, id, cpu, args);
            case Op.LayerNorm o -> TornadoLaunch.of(task(id, rowGrid(o.rows(), o.dim()),
                    TaskPackage.createPackage(id, TornadoLayerNorm::forward, new KernelContext(), args[0], args[1], args[2], args[3],
                            o.dim(), o.eps())));
            case Op.Softmax o -> TornadoLaunch.of(task(id, rowGrid(o.rows(), o.dim()), args[0] == args[1]
                    ? TaskPackage.createPackage(id, TornadoSoftmax::forwardInPlace, new KernelContext(), args[0], o.dim())
                    : TaskPackage.createPackage(id, TornadoSoftmax::forward, new KernelContext(), args[0], args[1], o.dim())));
            case Op.Attention o -> TornadoLaunch.of(task(id, attentionGrid(o.batch(), o.tokens(), o.heads(), o.headDim()),
                    TaskPackage.createPackage(id, TornadoAttention::forward, new KernelContext(), args[0], args[1], o.tokens(), o.heads(),
                            o.headDim(), scale(o.headDim()))));
            case Op.Gelu o -> TornadoLaunch.of(task(id, cover1D(o.n(), GROUP), args[0] == args[1]
                    ? TaskPackage.createPackage(id, TornadoGelu::forwardInPlace, new KernelContext(), args[0], o.form().code(), (int) o.n())
                    : TaskPackage.createPackage(id, TornadoGelu::forward, new KernelContext(), args[0], args[1], o.form().code(),
                            (int) o.n())));
            case Op.QkSplit o -> TornadoLaunch.of(task(id, cover1D(o.argElements()[0], GROUP),
                    TaskPackage.createPackage(id, TornadoQkHeads::split, new KernelContext(), args[0], args[1], args[2],
                            o.heads() * o.headDim(), (int) o.argElements()[0])));
            case Op.QkMerge o -> TornadoLaunch.of(task(id, cover1D(o.argElements()[0], GROUP),
                    TaskPackage.createPackage(id, TornadoQkHeads::merge, new KernelContext(), args[0], args[1], args[2], args[3],
                            o.heads() * o.headDim(), (int) o.argElements()[0])));
            case Op.Add o -> TornadoLaunch.of(task(id, cover1D(o.n(), GROUP), add(id, (int) o.n(), args[0], args[1], args[2])));
            case Op.PatchEmbed o -> patchEmbed(o, id, cpu, args);
            case Op.EmbedTokens o -> embedTokens(o, id, args);
            case Op.ClassToken o -> TornadoLaunch.of(task(id, cover1D(o.argElements()[0], GROUP),
                    TaskPackage.createPackage(id, TornadoClassToken::forward, new KernelContext(), args[0], args[1], o.tokens(), o.hidden(),
                            o.token(), (int) o.argElements()[0])));
            case Op.TokenPool o -> TornadoLaunch.of(task(id, cover1D((long) o.batch() * o.hidden(), GROUP),
                    TaskPackage.createPackage(id, TornadoTokenPool::forward, new KernelContext(), args[0], args[1], o.tokens(), o.hidden(),
                            o.prefix(), o.pooling().ordinal(), o.batch() * o.hidden())));
            case Op.TokenPoolBackward o -> TornadoLaunch.of(task(id, cover1D((long) o.batch() * o.hidden(), GROUP),
                    TaskPackage.createPackage(id, TornadoTokenPool::backward, new KernelContext(), args[0], args[1], args[2], o.tokens(),
                            o.hidden(), o.prefix(), o.pooling().ordinal(), o.batch() * o.hidden())));
            case Op.LatentAttention o -> TornadoLaunch.of(task(id, cover1D((long) o.batch() * o.heads() * o.headDim(), GROUP),
                    TaskPackage.createPackage(id, TornadoLatentAttention::forward, new KernelContext(), args[0], args[1], args[2], o.tokens(),
                            o.from(), o.heads(), o.headDim(), scale(o.headDim()), o.batch() * o.heads() * o.headDim())));
            case Op.LatentAttentionBackward o -> TornadoLaunch.of(task(id, cover1D((long) o.batch() * o.heads(), GROUP),
                    TaskPackage.createPackage(id, TornadoLatentAttention::backward, new KernelContext(), args[0], args[1], args[2], args[3],
                            args[4], o.tokens(), o.from(), o.heads(), o.headDim(), scale(o.headDim()), o.batch() * o.heads())));
            case Op.SumRows o -> TornadoLaunch.of(sumRows(id, o.rows(), o.cols(), args[0], args[1]));
            case Op.LayerScale o -> TornadoLaunch.of(task(id, cover1D((long) o.rows() * o.dim(), GROUP), args[0] == args[1]
                    ? TaskPackage.createPackage(id, TornadoLayerScale::forwardInPlace, new KernelContext(), args[0], args[2], o.rows(), o.dim())
                    : TaskPackage.createPackage(id, TornadoLayerScale::forward, new KernelContext(), args[0], args[1], args[2], o.rows(), o.dim())));
            case Op.LayerScaleBackward o -> TornadoLaunch.of(task(id, columnsGrid(o.dim()),
                    TaskPackage.createPackage(id, TornadoLayerScale::backward, new KernelContext(), args[0], args[1], args[2], o.rows(), o.dim())));
            case Op.GeluBackward o -> TornadoLaunch.of(task(id, cover1D(o.n(), GROUP), args[0] == args[1]
                    ? TaskPackage.createPackage(id, TornadoGelu::backwardInPlace, new KernelContext(), args[0], args[2], o.form().code(),
                            (int) o.n())
                    : TaskPackage.createPackage(id, TornadoGelu::backward, new KernelContext(), args[0], args[1], args[2], o.form().code(),
                            (int) o.n())));
            case Op.LayerNormBackward o -> layerNormBackward(o, id, args);
            case Op.AttentionBackward o -> attentionBackward(o, id, args);
            case Op.CrossEntropy o -> TornadoLaunch.of(task(id, cover1D(o.rows(), GROUP),
                    TaskPackage.createPackage(id, TornadoCrossEntropy::forward, new KernelContext(), args[0], args[1], args[2], args[3],
                            o.rows(), o.classes(), o.smoothing())));
            case Op.PatchEmbedBackward o -> patchEmbedBackward(o, id, cpu, args);
            case Op.EmbedTokensBackward o -> embedTokensBackward(o, id, args);
            case Op.ClassTokenBackward o -> TornadoLaunch.of(task(id, cover1D(o.argElements()[0], GROUP),
                    TaskPackage.createPackage(id, TornadoClassToken::backward, new KernelContext(), args[0], args[1], o.tokens(), o.hidden(),
                            o.token(), (int) o.argElements()[0])));
            case Op.Fill o -> TornadoLaunch.of(task(id, cover1D(o.n(), GROUP),
                    TaskPackage.createPackage(id, TornadoNorms::fill, new KernelContext(), args[0], o.value(), (int) o.n())));
            case Op.AccumulateSquares o -> accumulateSquares(o, id, args);
            case Op.AdamW o -> TornadoLaunch.of(task(id, cover1D(o.n(), GROUP),
                    TaskPackage.createPackage(id, TornadoAdamW::forward, new KernelContext(), args[0], args[1], args[2], args[3], args[4],
                            args[5], o.beta1(), o.beta2(), o.eps(), o.weightDecay(), o.maxNorm(), (int) o.n())));
        };
    }

    /** Without prefix tokens the kernel reads no pre, but TornadoVM passes no null: a float of scratch stands in. */
    private static TornadoLaunch embedTokens(Op.EmbedTokens o, String id, FloatArray... args) {
        boolean prefix = o.prefix() > 0;
        FloatArray pre = prefix ? args[2] : new FloatArray(1), pos = args[args.length - 1];
        TornadoTask task = task(id, cover1D(o.argElements()[0], GROUP), TaskPackage.createPackage(id, TornadoEmbedTokens::forward,
                new KernelContext(), args[0], args[1], pre, pos, o.prefix(), o.positionsFrom(), o.patches(), o.hidden(),
                (int) o.argElements()[0]));
        return new TornadoLaunch(List.of(task), prefix ? List.of() : List.of(pre));
    }

    /** As {@link #embedTokens}: a float of scratch for dpre without prefix tokens. */
    private static TornadoLaunch embedTokensBackward(Op.EmbedTokensBackward o, String id, FloatArray... args) {
        boolean prefix = o.prefix() > 0;
        FloatArray dpre = prefix ? args[1] : new FloatArray(1), dpos = args[args.length - 2], dx = args[args.length - 1];
        TornadoTask task = task(id, cover1D((long) o.forward().tokens() * o.hidden(), GROUP), TaskPackage.createPackage(id,
                TornadoEmbedTokens::backward, new KernelContext(), args[0], dpre, dpos, dx, o.batch(), o.prefix(),
                o.forward().positionsFrom(), o.patches(), o.hidden()));
        return new TornadoLaunch(List.of(task), prefix ? List.of() : List.of(dpre));
    }

    /** The kernel for out = a + b as the arguments coincide: TornadoVM cannot take one array twice in a task. */
    private static TaskPackage add(String id, int n, FloatArray out, FloatArray a, FloatArray b) {
        var context = new KernelContext();
        if (out == a && a == b) return TaskPackage.createPackage(id, TornadoAdd::doubledInPlace, context, out, n);
        if (out == a) return TaskPackage.createPackage(id, TornadoAdd::accumulate, context, out, b, n);
        if (out == b) return TaskPackage.createPackage(id, TornadoAdd::accumulate, context, out, a, n);
        if (a == b) return TaskPackage.createPackage(id, TornadoAdd::doubled, context, out, a, n);
        return TaskPackage.createPackage(id, TornadoAdd::forward, context, out, a, b, n);
    }

    /**
     * CPU devices: B packed into panels (scratch), the blocked product, then the bias and GELU over C
     * when there are any. Other devices: the tiled product with the epilogue fused.
     */
    private static TornadoLaunch matmul(Op.Matmul o, String id, boolean cpu, FloatArray... args) {
        if (o.accumulate()) return accumulatingMatmul(o, id, cpu, args);
        FloatArray c = args[0], a = args[1], b = args[2];
        // Without a bias the kernels read none, but TornadoVM passes no null: a float of scratch stands in.
        FloatArray bias = o.bias() ? args[3] : new FloatArray(1);
        List<Object> scratch = new ArrayList<>();
        if (!o.bias()) scratch.add(bias);
        int transposedA = o.transposedA() ? 1 : 0, transposedB = o.transposedB() ? 1 : 0, hasBias = o.bias() ? 1 : 0;
        int activation = o.activation().code();
        if (!cpu) {
            int threads = TornadoMatmul.THREADS, tile = TornadoMatmul.TILE;
            WorkerGrid grid = Grids.grid3D(blocks(o.n(), tile) * threads, blocks(o.m(), tile) * threads, o.batch(), threads, threads, 1);
            return new TornadoLaunch(List.of(task(id, grid, TaskPackage.createPackage(id, TornadoMatmul::tiled, new KernelContext(), c, a, b,
                    bias, o.m(), o.n(), o.k(), transposedA, transposedB, hasBias, activation))), scratch);
        }
        int panels = (int) blocks(o.n(), TornadoMatmul.COLUMNS);
        var packed = new VectorFloat16(Math.toIntExact(2L * o.batch() * panels * o.k()));
        scratch.add(packed);
        List<TornadoTask> tasks = new ArrayList<>();
        // Packing: a work-item per (k, half panel, batch), 64 of them per work-group along k, with no barriers.
        String pack = id + "_pack";
        tasks.add(task(pack, Grids.grid3D(blocks(o.k(), 64) * 64, 2L * panels, o.batch(), 64, 1, 1),
                TaskPackage.createPackage(pack, TornadoMatmul::pack, new KernelContext(), packed, b, o.n(), o.k(), transposedB)));
        // The product: one work-item per work-group, as matmul_cpu.cl (a CPU runs a group as a loop over its items).
        tasks.add(task(id, Grids.grid3D(blocks(o.m(), TornadoMatmul.ROWS), panels, o.batch(), 1, 1, 1),
                TaskPackage.createPackage(id, TornadoMatmul::blocked, new KernelContext(), c, a, packed, o.m(), o.n(), o.k(), transposedA)));
        if (hasBias == 1 || activation != Op.Activation.NONE.code()) {
            long total = (long) o.batch() * o.m() * o.n();
            String epilogue = id + "_epilogue";
            tasks.add(task(epilogue, cover1D(total, GROUP), TaskPackage.createPackage(epilogue, TornadoMatmul::biasActivation,
                    new KernelContext(), c, bias, o.n(), (int) total, hasBias, activation)));
        }
        return new TornadoLaunch(tasks, scratch);
    }

    /**
     * {@code C += op(A)·op(B) (+ bias)}: the product (and bias) into scratch, then added to C. The kernels above
     * write C in hundreds of places; the extra pass costs what the graph's separate add did.
     */
    private static TornadoLaunch accumulatingMatmul(Op.Matmul o, String id, boolean cpu, FloatArray... args) {
        int total = Math.toIntExact(o.argElements()[0]);
        var product = new FloatArray(total);
        FloatArray[] writing = Arrays.copyOf(args, args.length - 1); // the last is C again, the input
        writing[0] = product;
        TornadoLaunch bare = matmul(o.writing(), id + "_product", cpu, writing);
        List<TornadoTask> tasks = new ArrayList<>(bare.tasks());
        tasks.add(task(id, cover1D(total, GROUP), add(id, total, args[0], args[0], product)));
        List<Object> scratch = new ArrayList<>(bare.scratch());
        scratch.add(product);
        return new TornadoLaunch(tasks, scratch);
    }

    /** The image's columns (scratch), then their product with the weight (B transposed) and the bias. */
    private static TornadoLaunch patchEmbed(Op.PatchEmbed o, String id, boolean cpu, FloatArray... args) {
        int rows = o.batch() * o.patches(), k = o.patchElements();
        var columns = new FloatArray(Math.toIntExact((long) rows * k));
        TornadoTask im2col = columnsTask(id + "_columns", columns, args[1], o.channels(), o.height(), o.width(), o.patch(), rows);
        TornadoLaunch product = matmul(new Op.Matmul(1, rows, o.hidden(), k, false, true, true, Op.Activation.NONE), id, cpu,
                args[0], columns, args[2], args[3]);
        return joined(List.of(im2col), product, columns);
    }

    /** The image's columns (scratch), then {@code dweight = doutᵀ·columns} (A transposed), then dbias = dout's column sums. */
    private static TornadoLaunch patchEmbedBackward(Op.PatchEmbedBackward o, String id, boolean cpu, FloatArray... args) {
        int rows = o.batch() * (o.height() / o.patch()) * (o.width() / o.patch()), k = o.channels() * o.patch() * o.patch();
        var columns = new FloatArray(Math.toIntExact((long) rows * k));
        TornadoTask im2col = columnsTask(id + "_columns", columns, args[3], o.channels(), o.height(), o.width(), o.patch(), rows);
        TornadoLaunch product = matmul(new Op.Matmul(1, o.hidden(), k, rows, true, false, false, Op.Activation.NONE), id, cpu,
                args[0], args[2], columns);
        TornadoLaunch joined = joined(List.of(im2col), product, columns);
        List<TornadoTask> tasks = new ArrayList<>(joined.tasks());
        tasks.add(sumRows(id + "_bias", rows, o.hidden(), args[1], args[2]));
        return new TornadoLaunch(tasks, joined.scratch());
    }

    private static TornadoTask columnsTask(String id, FloatArray columns, FloatArray image, int channels, int height, int width, int patch,
                                           int rows) {
        return task(id, cover1D(columns.getSize(), GROUP), TaskPackage.createPackage(id, TornadoPatchEmbed::columns, new KernelContext(),
                columns, image, channels, height, width, patch, rows));
    }

    private static TornadoLaunch joined(List<TornadoTask> first, TornadoLaunch then, Object scratch) {
        List<TornadoTask> tasks = new ArrayList<>(first);
        tasks.addAll(then.tasks());
        List<Object> all = new ArrayList<>(List.of(scratch));
        all.addAll(then.scratch());
        return new TornadoLaunch(tasks, all);
    }

    /** A work-group of 32 columns by 8 row shares per band of columns. */
    private static TornadoTask sumRows(String id, int rows, int cols, FloatArray out, FloatArray in) {
        return task(id, columnsGrid(cols), TaskPackage.createPackage(id, TornadoSumRows::forward, new KernelContext(), out, in, rows, cols));
    }

    private static WorkerGrid columnsGrid(int cols) {
        return Grids.grid2D(blocks(cols, TornadoSumRows.COLUMNS) * TornadoSumRows.COLUMNS, TornadoSumRows.SHARES, TornadoSumRows.COLUMNS,
                TornadoSumRows.SHARES);
    }

    /** dx and each row's statistics (scratch), a work-group per row; then dgamma and dbeta by columns, from the statistics. */
    private static TornadoLaunch layerNormBackward(Op.LayerNormBackward o, String id, FloatArray... args) {
        var stats = new FloatArray(3 * o.rows());
        String columns = id + "_columns";
        return new TornadoLaunch(List.of(
                task(id, rowGrid(o.rows(), o.dim()), TaskPackage.createPackage(id, TornadoLayerNorm::backwardRows, new KernelContext(),
                        args[0], stats, args[3], args[4], args[5], o.dim(), o.eps())),
                task(columns, columnsGrid(o.dim()), TaskPackage.createPackage(columns, TornadoLayerNorm::backwardColumns, new KernelContext(),
                        args[1], args[2], stats, args[3], args[4], o.rows(), o.dim()))),
                List.of(stats));
    }

    /** dq and each query row's log-sum-exp and D (scratch), then dk and dv from them. */
    private static TornadoLaunch attentionBackward(Op.AttentionBackward o, String id, FloatArray... args) {
        var stats = new FloatArray(Math.toIntExact(2L * o.batch() * o.heads() * o.tokens()));
        String keys = id + "_keys";
        WorkerGrid queriesGrid = attentionGrid(o.batch(), o.tokens(), o.heads(), o.headDim());
        WorkerGrid keysGrid = attentionGrid(o.batch(), o.tokens(), o.heads(), o.headDim());
        float scale = scale(o.headDim());
        return new TornadoLaunch(List.of(
                task(id, queriesGrid, TaskPackage.createPackage(id, TornadoAttention::backwardQueries, new KernelContext(), args[0], stats,
                        args[1], args[2], o.tokens(), o.heads(), o.headDim(), scale)),
                task(keys, keysGrid, TaskPackage.createPackage(keys, TornadoAttention::backwardKeys, new KernelContext(), args[0], stats,
                        args[1], args[2], o.tokens(), o.heads(), o.headDim(), scale))),
                List.of(stats));
    }

    /** Partial sums over equal parts of x (scratch), a work-group each, then their total added to acc in order by one work-item. */
    private static TornadoLaunch accumulateSquares(Op.AccumulateSquares o, String id, FloatArray... args) {
        int parts = (int) Math.clamp(blocks(o.n(), (long) TornadoNorms.GROUP * SQUARES_PER_ITEM), 1, SQUARE_PARTS);
        var partial = new FloatArray(parts);
        String squares = id + "_parts";
        return new TornadoLaunch(List.of(
                task(squares, Grids.groups1D(parts, TornadoNorms.GROUP), TaskPackage.createPackage(squares, TornadoNorms::squareSums,
                        new KernelContext(), partial, args[1], (int) o.n(), parts)),
                task(id, Grids.groups1D(1, 1), TaskPackage.createPackage(id, TornadoNorms::accumulateSum, new KernelContext(), args[0],
                        partial, parts))),
                List.of(partial));
    }

    /** One work-group per row: a power of two work-items, up to {@link TornadoLayerNorm#GROUP}, no more than a row needs. */
    private static WorkerGrid rowGrid(int rows, int dim) {
        int group = TornadoLayerNorm.GROUP;
        while (group > 1 && group / 2 >= dim) group /= 2;
        return Grids.groups1D(rows, group);
    }

    /** A work-item per row of one head of one sequence: grid (rows, heads, batch), {@link #ATTENTION_ROWS} rows per work-group. */
    private static WorkerGrid attentionGrid(int batch, int tokens, int heads, int headDim) {
        if (headDim > TornadoAttention.MAX_HEAD_DIM)
            throw new IllegalArgumentException("attention head of " + headDim + " dimensions: the TornadoVM kernels take heads of up to "
                    + TornadoAttention.MAX_HEAD_DIM);
        return Grids.grid3D(blocks(tokens, ATTENTION_ROWS) * ATTENTION_ROWS, heads, batch, ATTENTION_ROWS, 1, 1);
    }

    private static float scale(int headDim) {
        return (float) (1 / Math.sqrt(headDim));
    }

    private static TornadoTask task(String id, WorkerGrid grid, TaskPackage task) {
        return new TornadoTask(id, task, grid);
    }

    /**
     * The arguments must be as many as the operator's and hold its elements (kernels index with 32-bit
     * ints), and an output may be another argument only where a kernel exists for it: TornadoVM's graph
     * compiler loops forever on a task handed one array twice.
     */
    private static void check(Op op, FloatArray[] args) {
        long[] sizes = op.argElements();
        if (args.length != sizes.length)
            throw new IllegalArgumentException(op + " takes " + sizes.length + " arguments, got " + args.length);
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] > Integer.MAX_VALUE)
                throw new IllegalArgumentException(op + " has a tensor of " + sizes[i] + " elements; TornadoVM kernels index with 32-bit ints");
            if (args[i].getSize() < sizes[i])
                throw new IllegalArgumentException(op + ": argument " + i + " holds " + args[i].getSize() + " floats, needs " + sizes[i]);
        }
        for (int i = 0; i < args.length; i++)
            for (int j = i + 1; j < args.length; j++)
                if (args[i] == args[j] && !hasKernelFor(op, i, j))
                    throw new IllegalArgumentException(op + ": arguments " + i + " and " + j + " are the same array; the TornadoVM kernels"
                            + " take one array twice only as softmax's, GELU's and its backward pass's, and LayerScale's first two, add's,"
                            + " and an accumulating matmul's C");
    }

    /** Whether arguments i < j may be one array: those that {@link Op} allows, each with a kernel of its own. */
    private static boolean hasKernelFor(Op op, int i, int j) {
        if (op instanceof Op.Matmul m && m.accumulate()) return i == 0 && j == m.argElements().length - 1;
        return op instanceof Op.Add || (op instanceof Op.Softmax || op instanceof Op.Gelu || op instanceof Op.GeluBackward
                || op instanceof Op.LayerScale) && i == 0 && j == 1;
    }
}
