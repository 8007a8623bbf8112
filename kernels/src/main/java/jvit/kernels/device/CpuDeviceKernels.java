package jvit.kernels.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.device.KernelArg.Int;
import jvit.kernels.device.KernelArg.Null;
import jvit.kernels.device.KernelArg.Tensor;

/**
 * How operators run on CPU devices (PoCL here; any OpenCL CPU device): the {@code *_cpu.cl}
 * kernels, in which each work-item computes a block of outputs with explicit vectors of the
 * device's preferred width, instead of one output per thread as on a GPU. A CPU runs a
 * work-group as a loop over its work-items and vectorizes that loop only when the kernel has no
 * loops of its own, and runs barriers by splitting it, spilling what each work-item holds; the
 * GPU kernels' tiles and reductions have both. See {@code vectors.h} and each source.
 */
final class CpuDeviceKernels {
    /** Widest vector the kernels use (AVX-512's 16 floats), and the narrowest. */
    static final int MAX_WIDTH = 16, MIN_WIDTH = 4;
    /** Local memory a matmul work-item packs B's panel into, at most: 256 KiB holds 2048 steps of 32 columns. */
    static final long PANEL_BYTES = 256 * 1024;
    /**
     * Bytes of A that one chunk of k-steps may span when A is read down its columns (each step a
     * row of A, revisited by every row block): more, and the product slows down. On Zen 5 (PoCL),
     * 6304-deep products with m = 1152 and 1536 ran at 140-170 GFLOP/s with 2048-step chunks,
     * 257-302 with 3 MiB's worth, 290-320 with 256 steps (an untransposed A: 395); at m ≤ 288 (the
     * default model's weight gradients, whose chunks stay whole under this budget, so that its
     * training keeps its bits) shorter chunks gained nothing.
     */
    static final long TRANSPOSED_A_SPAN = 3L << 20;
    /** Matmul work-items to aim for per compute unit, so that all units stay busy to the end. */
    static final int ITEMS_PER_UNIT = 4;
    /** Work-items of a row-wise work-group, and of an elementwise one: few enough to share out, enough to amortise a group. */
    static final int ROWS_PER_GROUP = 16, ELEMENT_ITEMS_PER_GROUP = 256;
    /** Elements a work-item of a sum of squares adds, at least: enough to be worth a work-item. */
    static final int SQUARES_PER_ITEM = 16384;
    /** The index of a matmul's B among its arguments (C, A, B, bias), and of a patch embedding's weight (out, image, weight, bias). */
    private static final int MATMUL_B = 2, PATCH_WEIGHT = 2;

    private CpuDeviceKernels() {}

    /**
     * The CPU kernels' launches for {@code op}, or empty where the generic kernels are already right for a CPU; the
     * arguments at the indices {@code constant} do not change between executions.
     */
    static Optional<List<KernelLaunch>> launches(Op op, DeviceLimits limits, Set<Integer> constant) {
        int width = width(limits);
        return switch (op) {
            case Op.Matmul o -> Optional.of(matmul(o, width, limits, constant.contains(MATMUL_B)));
            case Op.PatchEmbed o -> Optional.of(patchEmbed(o, width, limits, constant.contains(PATCH_WEIGHT)));
            case Op.Attention o -> one(attention(o, width));
            case Op.LayerNorm o -> one(rowwise("layernorm_cpu.cl", "layernorm", o.rows(), width, limits,
                    DeviceKernels.tensors(4), new Int(o.rows()), new Int(o.dim()), new KernelArg.Float(o.eps())));
            case Op.Softmax o -> one(rowwise("softmax_cpu.cl", "softmax", o.rows(), width, limits,
                    DeviceKernels.tensors(2), new Int(o.rows()), new Int(o.dim())));
            case Op.Gelu o -> one(vectorwise("gelu_cpu.cl", "gelu_forward", o.n(), width, limits, withForm(DeviceKernels.tensors(2), o.form())));
            case Op.EmbedTokens o -> one(embedTokens(o, width, limits));
            case Op.SumRows o -> one(sumRows(o.rows(), o.cols(), new Tensor(0), new Tensor(1), width));
            case Op.GeluBackward o -> one(vectorwise("gelu_backward_cpu.cl", "gelu_backward", o.n(), width, limits,
                    withForm(DeviceKernels.tensors(3), o.form())));
            case Op.EmbedTokensBackward o -> one(embedTokensBackward(o, width, limits));
            case Op.LayerNormBackward o -> Optional.of(layerNormBackward(o, width, limits));
            case Op.AttentionBackward o -> one(attentionBackward(o, width));
            case Op.PatchEmbedBackward o -> Optional.of(patchEmbedBackward(o, width, limits));
            case Op.AccumulateSquares o -> Optional.of(accumulateSquares(o, width, limits));
            case Op.ClassTokenBackward o -> one(classTokenBackward(o, width, limits));
            case Op.AdamW o -> one(vectorwise("adamw_cpu.cl", "adamw", o.n(), width, limits, DeviceKernels.adamwArgs(o)));
            case Op.Add o -> one(vectorwise("add_cpu.cl", "add", o.n(), width, limits, DeviceKernels.tensors(3)));
            // One output per work-item and no loop: PoCL's work-group loop vectorizes these as they are.
            case Op.QkSplit o -> Optional.empty();
            case Op.QkMerge o -> Optional.empty();
            case Op.LayerScale o -> Optional.empty();
            case Op.ClassToken o -> Optional.empty();
            case Op.Fill o -> Optional.empty();
            case Op.CrossEntropy o -> Optional.empty(); // a row per work-item, and as many rows as images: no work to speak of
            case Op.LayerScaleBackward o -> Optional.empty(); // a column sum over rows in order per thread group, as on GPUs
            // A column per work-item, neighbouring work-items on neighbouring columns; once per image, after the last block.
            case Op.TokenPool o -> Optional.empty();
            case Op.TokenPoolBackward o -> Optional.empty();
            case Op.LatentAttention o -> Optional.empty(); // a head per work-item, once per image after the last block
            case Op.LatentAttentionBackward o -> Optional.empty();
        };
    }

    /** A GELU kernel's tensors, then the number of its form (gelu.h's ACT_*). */
    private static List<KernelArg> withForm(List<KernelArg> tensors, Activation form) {
        tensors.add(new Int(form.code()));
        return tensors;
    }

    private static Optional<List<KernelLaunch>> one(KernelLaunch launch) {
        return Optional.of(List.of(launch));
    }

    /** The device's preferred float vector width, as one of 16, 8 and 4. */
    static int width(DeviceLimits limits) {
        return Integer.highestOneBit(Math.clamp(limits.floatVectorWidth(), MIN_WIDTH, MAX_WIDTH));
    }

    /**
     * Rows of A per register block for a product of {@code m} rows. With 16-float vectors (AVX-512, 32 registers) 11:
     * 11 rows × 2 vectors of accumulators, the two vectors of B and a broadcast leave a few registers free, and on
     * Zen 5 11 rows beat 12 by 2-9% at every ViT-B/16 and ViT-S/16 shape and at 2048³ (where 12 wastes fewer rows);
     * at k = 3072 (ViT-B/16's fc2) 12 rows of A, 12 KiB apart, fill a whole 12-way L1 set and ran 8% slower
     * (bench/results/2026-12-05-opencl-rows.md). Narrower vectors come with 16 registers (AVX2, SSE), which 6 rows
     * fill; there one row fewer where that computes fewer rows past m.
     */
    static int gemmRows(int width, int m) {
        if (width == MAX_WIDTH) return 11;
        return DeviceKernels.blocks(m, 5) * 5L < DeviceKernels.blocks(m, 6) * 6L ? 5 : 6;
    }

    /** k-steps of B's panel (2 vectors wide) that fit the panel budget and the device's local memory, a multiple of {@code step}. */
    static int panelDepth(int width, DeviceLimits limits, int step) {
        long bytesPerStep = 2L * width * Float.BYTES * step;
        long steps = Math.min(PANEL_BYTES, limits.localMemoryBytes()) / bytesPerStep;
        if (steps < 1)
            throw new IllegalArgumentException("a matrix product in steps of " + step + " needs " + bytesPerStep
                    + " bytes of local memory; the device has " + limits.localMemoryBytes());
        return Math.toIntExact(steps * step);
    }

    /**
     * One work-item per panel of 2 vectors of columns (y) and share of the row blocks (x), the batch
     * in z; A's layout is built into the program (TRANSPOSED_A), so that the untransposed inner loop
     * steps by a constant. A constant B is packed into its panels once (PACKED_B: a launch on the
     * first execution, into kept buffer 0), which the product then reads in place.
     */
    private static List<KernelLaunch> matmul(Op.Matmul o, int width, DeviceLimits limits, boolean constantB) {
        List<KernelArg> args = DeviceKernels.tensors(2);
        KernelArg b = constantB ? new KernelArg.Kept(0, (long) o.batch() * DeviceKernels.blocks(o.n(), 2L * width) * 2 * width * o.k())
                : new Tensor(MATMUL_B);
        args.add(b);
        args.add(o.bias() ? new Tensor(3) : new Null());
        args.addAll(List.of(new Int(o.m()), new Int(o.n()), new Int(o.k()),
                new Int(o.transposedB() ? 1 : 0), new Int(o.activation().code()), new Int(o.accumulate() ? 1 : 0)));
        int depth = panelDepth(width, limits, 1);
        if (o.transposedA()) depth = (int) Math.clamp(TRANSPOSED_A_SPAN / (Float.BYTES * (long) o.m()), 1, depth);
        List<String> defines = new ArrayList<>(List.of("TRANSPOSED_A=" + (o.transposedA() ? 1 : 0)));
        if (constantB) defines.add("PACKED_B=1");
        KernelLaunch product = gemm("matmul_cpu.cl", "matmul", width, depth, o.m(), o.n(), o.batch(), limits, args,
                defines.toArray(String[]::new));
        if (!constantB) return List.of(product);
        return List.of(packB(product.program(), b, MATMUL_B, o.n(), o.k(), o.transposedB(), o.batch(), width), product);
    }

    /** A constant B's panels, packed into kept buffer {@code panels} on the first execution by matmul_cpu.cl's pack_b. */
    private static KernelLaunch packB(KernelProgram program, KernelArg panels, int b, int n, int k, boolean transposedB, int batch,
                                      int width) {
        return new KernelLaunch(program, "pack_b", new long[] {DeviceKernels.blocks(n, 2L * width), batch}, new long[] {1, 1},
                List.of(panels, new Tensor(b), new Int(n), new Int(k), new Int(transposedB ? 1 : 0)), true);
    }

    /**
     * The matmul's grid with im2col on the fly: M = batch · patches, N = hidden, K = channels · patch², a patch line at
     * a time; a constant weight packed once (PACKED_B), as a matmul's B.
     */
    private static List<KernelLaunch> patchEmbed(Op.PatchEmbed o, int width, DeviceLimits limits, boolean constantWeight) {
        int rows = o.batch() * o.patches(), k = o.patchElements();
        List<KernelArg> args = DeviceKernels.tensors(4);
        KernelArg panels = new KernelArg.Kept(0, DeviceKernels.blocks(o.hidden(), 2L * width) * 2 * width * k);
        if (constantWeight) args.set(PATCH_WEIGHT, panels);
        args.addAll(List.of(new Int(o.channels()), new Int(o.height()), new Int(o.width()), new Int(o.patch()),
                new Int(rows), new Int(o.hidden())));
        int depth = panelDepth(width, limits, o.patch());
        KernelLaunch product = gemm("patch_embed_cpu.cl", "patch_embed", width, depth, rows, o.hidden(), 1, limits, args,
                "PACKED_B=" + (constantWeight ? 1 : 0));
        if (!constantWeight) return List.of(product);
        var pack = new KernelProgram("matmul_cpu.cl", List.of("WIDTH=" + width, "ROWS=" + gemmRows(width, rows), "DEPTH=" + depth,
                "TRANSPOSED_A=0", "PACKED_B=1"));
        return List.of(packB(pack, panels, PATCH_WEIGHT, o.hidden(), k, true, 1, width), product);
    }

    private static KernelLaunch gemm(String file, String kernel, int width, int depth, int m, int n, int batch,
                                     DeviceLimits limits, List<KernelArg> args, String... moreDefines) {
        int rows = gemmRows(width, m);
        long panels = DeviceKernels.blocks(n, 2L * width), blocks = DeviceKernels.blocks(m, rows);
        long shares = Math.clamp(DeviceKernels.blocks((long) ITEMS_PER_UNIT * limits.computeUnits(), panels * batch), 1, blocks);
        List<String> defines = new ArrayList<>(List.of("WIDTH=" + width, "ROWS=" + rows, "DEPTH=" + depth));
        defines.addAll(List.of(moreDefines));
        var program = new KernelProgram(file, List.copyOf(defines));
        return new KernelLaunch(program, kernel, new long[] {shares, panels, batch}, new long[] {1, 1, 1}, args);
    }

    /**
     * dout transposed into scratch, so that the rows of dweight's product are contiguous; dweight as
     * a matmul over it and the image's columns; dbias as dout's column sums.
     */
    private static List<KernelLaunch> patchEmbedBackward(Op.PatchEmbedBackward o, int width, DeviceLimits limits) {
        int rows = o.batch() * DeviceKernels.patches(o), columns = o.channels() * o.patch() * o.patch();
        List<KernelArg> args = List.of(new Tensor(0), new Tensor(2), new Tensor(3), new Int(o.channels()), new Int(o.height()),
                new Int(o.width()), new Int(o.patch()), new Int(rows), new Int(o.hidden()));
        return List.of(gemm("patch_embed_backward_cpu.cl", "patch_embed_backward", width, panelDepth(width, limits, 1), o.hidden(), columns, 1,
                        limits, args),
                sumRows(rows, o.hidden(), new Tensor(1), new Tensor(2), width));
    }

    /** One work-item per block of {@code width} query rows of one head of one sequence (grid: query blocks, heads, batch). */
    private static KernelLaunch attention(Op.Attention o, int width) {
        var program = new KernelProgram("attention_cpu.cl", List.of("HEAD_DIM=" + o.headDim(), "WIDTH=" + width));
        List<KernelArg> args = DeviceKernels.tensors(2);
        args.addAll(List.of(new Int(o.tokens()), new Int(o.heads()), new KernelArg.Float((float) (1 / Math.sqrt(o.headDim())))));
        return new KernelLaunch(program, "attention", new long[] {DeviceKernels.blocks(o.tokens(), width), o.heads(), o.batch()},
                new long[] {1, 1, 1}, args);
    }

    /** One work-item per head of one sequence (grid: heads, batch), with 2 · tokens vectors of scratch. */
    private static KernelLaunch attentionBackward(Op.AttentionBackward o, int width) {
        var program = new KernelProgram("attention_backward_cpu.cl", List.of("HEAD_DIM=" + o.headDim(), "WIDTH=" + width));
        var saved = new KernelArg.Scratch(0, 2L * o.batch() * o.heads() * o.tokens() * width);
        List<KernelArg> args = List.of(new Tensor(0), saved, new Tensor(1), new Tensor(2), new Int(o.tokens()), new Int(o.heads()),
                new KernelArg.Float((float) (1 / Math.sqrt(o.headDim()))));
        return new KernelLaunch(program, "attention_backward", new long[] {o.heads(), o.batch()}, new long[] {1, 1}, args);
    }

    /** One work-item per row. */
    private static KernelLaunch rowwise(String file, String kernel, int rows, int width, DeviceLimits limits,
                                        List<KernelArg> args, KernelArg... scalars) {
        int group = Math.min(ROWS_PER_GROUP, limits.maxWorkGroupSize());
        args.addAll(List.of(scalars));
        return new KernelLaunch(new KernelProgram(file, List.of("WIDTH=" + width)), kernel,
                new long[] {(long) DeviceKernels.blocks(rows, group) * group}, new long[] {group}, args);
    }

    /** One work-item per vector of {@code width} elements; the kernel's last argument is n. */
    private static KernelLaunch vectorwise(String file, String kernel, long n, int width, DeviceLimits limits, List<KernelArg> args) {
        int group = Math.min(ELEMENT_ITEMS_PER_GROUP, limits.maxWorkGroupSize());
        args.add(new Int((int) n));
        long items = DeviceKernels.blocks(n, width);
        return new KernelLaunch(new KernelProgram(file, List.of("WIDTH=" + width)), kernel,
                new long[] {(long) DeviceKernels.blocks(items, group) * group}, new long[] {group}, args);
    }

    /** One work-item per band of {@code width} columns. */
    static KernelLaunch sumRows(int rows, int cols, KernelArg out, KernelArg in, int width) {
        return new KernelLaunch(new KernelProgram("sum_rows_cpu.cl", List.of("WIDTH=" + width)), "sum_rows",
                new long[] {DeviceKernels.blocks(cols, width)}, new long[] {1}, List.of(out, in, new Int(rows), new Int(cols)));
    }

    /** One work-item per token row (grid: tokens, batch). */
    private static KernelLaunch classTokenBackward(Op.ClassTokenBackward o, int width, DeviceLimits limits) {
        int group = Math.min(ROWS_PER_GROUP, limits.maxWorkGroupSize());
        return new KernelLaunch(new KernelProgram("class_token_backward_cpu.cl", List.of("WIDTH=" + width)), "class_token_backward",
                new long[] {(long) DeviceKernels.blocks(o.tokens(), group) * group, o.batch()}, new long[] {group, 1},
                List.of(new Tensor(0), new Tensor(1), new Int(o.tokens()), new Int(o.hidden()), new Int(o.token())));
    }

    /** One work-item per token's row. */
    private static KernelLaunch embedTokensBackward(Op.EmbedTokensBackward o, int width, DeviceLimits limits) {
        int group = Math.min(ROWS_PER_GROUP, limits.maxWorkGroupSize());
        List<KernelArg> args = DeviceKernels.embedTokensArgs(o.forward(), 1);
        args.addAll(List.of(new Int(o.batch()), new Int(o.prefix()), new Int(o.forward().positionsFrom()), new Int(o.patches()),
                new Int(o.hidden())));
        return new KernelLaunch(new KernelProgram("embed_tokens_backward_cpu.cl", List.of("WIDTH=" + width)), "embed_tokens_backward",
                new long[] {(long) DeviceKernels.blocks(o.forward().tokens(), group) * group}, new long[] {group}, args);
    }

    /** dx and each band's partial dgamma and dbeta, a work-item per band of rows; then the bands' sums, in order. */
    private static List<KernelLaunch> layerNormBackward(Op.LayerNormBackward o, int width, DeviceLimits limits) {
        int bands = Math.min(o.rows(), ITEMS_PER_UNIT * limits.computeUnits());
        KernelArg.Scratch dgammaParts = new KernelArg.Scratch(0, (long) bands * o.dim()), dbetaParts = new KernelArg.Scratch(1, (long) bands * o.dim());
        var rows = new KernelLaunch(new KernelProgram("layernorm_backward_cpu.cl", List.of("WIDTH=" + width)), "layernorm_backward",
                new long[] {bands}, new long[] {1}, DeviceKernels.layerNormBackwardArgs(o, dgammaParts, dbetaParts, bands));
        return List.of(rows, sumRows(bands, o.dim(), new Tensor(1), dgammaParts, width), sumRows(bands, o.dim(), new Tensor(2), dbetaParts, width));
    }

    /** Partial sums over equal parts of x, one work-item each, then their total added to acc in order. */
    private static List<KernelLaunch> accumulateSquares(Op.AccumulateSquares o, int width, DeviceLimits limits) {
        int parts = (int) Math.clamp(DeviceKernels.blocks(o.n(), SQUARES_PER_ITEM), 1, (long) ITEMS_PER_UNIT * limits.computeUnits());
        var partial = new KernelArg.Scratch(0, parts);
        return List.of(new KernelLaunch(new KernelProgram("square_sums_cpu.cl", List.of("WIDTH=" + width)), "square_sums",
                new long[] {parts}, new long[] {1}, List.of(partial, new Tensor(1), new Int((int) o.n()), new Int(parts))),
                DeviceKernels.accumulateSum(partial, parts));
    }

    /** One work-item per token of each sequence (grid: tokens, batch). */
    private static KernelLaunch embedTokens(Op.EmbedTokens o, int width, DeviceLimits limits) {
        int group = Math.min(ROWS_PER_GROUP, limits.maxWorkGroupSize()), tokens = o.tokens();
        List<KernelArg> args = DeviceKernels.embedTokensArgs(o, 2);
        args.addAll(List.of(new Int(o.prefix()), new Int(o.positionsFrom()), new Int(o.patches()), new Int(o.hidden())));
        return new KernelLaunch(new KernelProgram("embed_tokens_cpu.cl", List.of("WIDTH=" + width)), "embed_tokens",
                new long[] {(long) DeviceKernels.blocks(tokens, group) * group, o.batch()}, new long[] {group, 1}, args);
    }
}
