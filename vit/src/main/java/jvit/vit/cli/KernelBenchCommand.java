package jvit.vit.cli;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import jvit.vit.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vit bench kernel OP}: one operator as a one-task graph on a device, inputs resident on the
 * device, timed after warm-up; reports GFLOP/s and GB/s (each argument counted once).
 */
@Command(name = "kernel", mixinStandardHelpOptions = true, description = "Time one kernel on a device.")
final class KernelBenchCommand implements Runnable {
    enum Kernel { matmul, layernorm, softmax, attention, gelu }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "The kernel: ${COMPLETION-CANDIDATES}.")
    Kernel kernel;

    @Option(names = "--m", defaultValue = "2048", description = "matmul: rows of A and C (default ${DEFAULT-VALUE}).")
    int m;
    @Option(names = "--n", defaultValue = "2048", description = "matmul: columns of C (default ${DEFAULT-VALUE}).")
    int n;
    @Option(names = "--k", defaultValue = "2048", description = "matmul: the inner dimension (default ${DEFAULT-VALUE}).")
    int k;
    @Option(names = "--layout", defaultValue = "nt", description = "matmul: nt = A·Bᵀ (a Linear weight), nn = A·B, tn = Aᵀ·B (a weight "
            + "gradient), tt = Aᵀ·Bᵀ (default ${DEFAULT-VALUE}).")
    String layout;
    @Option(names = "--rows", defaultValue = "1576", description = "layernorm, softmax: rows (default ${DEFAULT-VALUE}).")
    int rows;
    @Option(names = "--dim", defaultValue = "768", description = "layernorm, softmax: row length (default ${DEFAULT-VALUE}).")
    int dim;
    @Option(names = "--batch", defaultValue = "8", description = "attention: sequences (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--tokens", defaultValue = "197", description = "attention: tokens per sequence (default ${DEFAULT-VALUE}).")
    int tokens;
    @Option(names = "--heads", defaultValue = "12", description = "attention: heads (default ${DEFAULT-VALUE}).")
    int heads;
    @Option(names = "--head-dim", defaultValue = "64", description = "attention: size of a head (default ${DEFAULT-VALUE}).")
    int headDim;
    @Option(names = "--elements", defaultValue = "10000000", description = "gelu: elements (default ${DEFAULT-VALUE}).")
    long elements;
    @Option(names = "--gemm", description = "matmul on a cuda device: jvit (its own kernel, the default) or cublas.")
    String gemm;

    @Mixin
    MeasureOptions measure;
    @Mixin
    KernelBinaryOption kernelBinary;

    @Override
    public void run() {
        measure.validate();
        Op op = op();
        Device d = kernelBinary.on(measure.device());
        useGemm(d);
        Timing timing;
        try (Arena arena = Arena.ofShared()) {
            List<Tensor> args = new ArrayList<>();
            TaskGraph graph = new TaskGraph("bench_" + op.name());
            long[] sizes = op.argElements();
            for (int i = 0; i < sizes.length; i++) {
                if (i < op.outputs()) {
                    args.add(Tensor.onDevice("out" + i, sizes[i]));
                } else {
                    Tensor t = Tensor.of("in" + i, random(arena, sizes[i], i), sizes[i]);
                    graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, t);
                    args.add(t);
                }
            }
            graph.task(op.name(), op, args.toArray(Tensor[]::new));
            try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot(), d)) {
                plan.execute(); // the first execution copies the inputs in
                timing = measure.measure(() -> plan.execute().totalNanos());
            }
        }
        report(op, d, timing);
    }

    /** A CUDA device reads its GEMM choice when a graph is loaded (jvit.cuda.gemm). */
    private void useGemm(Device d) {
        if (gemm == null) return;
        if (!gemm.equals("jvit") && !gemm.equals("cublas"))
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--gemm must be jvit or cublas, not " + gemm);
        if (!d.id().startsWith("cuda:"))
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--gemm chooses a cuda device's matmul; " + d.id() + " is not one");
        System.setProperty("jvit.cuda.gemm", gemm);
    }

    private Op op() {
        return switch (kernel) {
            case matmul -> {
                if (!layout.matches("[nt][nt]"))
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--layout must be nt, nn, tn or tt, not " + layout);
                Checks.positive(spec, "--m", m, "--n", n, "--k", k);
                yield new Op.Matmul(1, m, n, k, layout.charAt(0) == 't', layout.charAt(1) == 't', false, Activation.NONE);
            }
            case layernorm -> {
                Checks.positive(spec, "--rows", rows, "--dim", dim);
                yield new Op.LayerNorm(rows, dim, 1e-6f);
            }
            case softmax -> {
                Checks.positive(spec, "--rows", rows, "--dim", dim);
                yield new Op.Softmax(rows, dim);
            }
            case attention -> {
                Checks.positive(spec, "--batch", batch, "--tokens", tokens, "--heads", heads, "--head-dim", headDim);
                yield new Op.Attention(batch, tokens, heads, headDim);
            }
            case gelu -> {
                Checks.positive(spec, "--elements", elements);
                yield new Op.Gelu(elements);
            }
        };
    }

    private Map<String, Object> shape(Op op) {
        Map<String, Object> s = new LinkedHashMap<>();
        switch (op) {
            case Op.Matmul o -> {
                s.put("m", o.m()); s.put("n", o.n()); s.put("k", o.k()); s.put("layout", layout);
                if (gemm != null) s.put("gemm", gemm);
            }
            case Op.LayerNorm o -> { s.put("rows", o.rows()); s.put("dim", o.dim()); }
            case Op.Softmax o -> { s.put("rows", o.rows()); s.put("dim", o.dim()); }
            case Op.Attention o -> { s.put("batch", o.batch()); s.put("tokens", o.tokens()); s.put("heads", o.heads()); s.put("head_dim", o.headDim()); }
            case Op.Gelu o -> s.put("elements", o.n());
            default -> throw new IllegalStateException(op.toString());
        }
        return s;
    }

    private void report(Op op, Device d, Timing t) {
        PrintWriter out = spec.commandLine().getOut();
        double seconds = t.medianSeconds();
        double gflops = op.flops() / seconds / 1e9, gbps = op.bytes() / seconds / 1e9;
        Map<String, Object> shape = shape(op);
        if (measure.json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("op", op.name());
            r.put("device", d.id());
            r.put("device_name", d.name());
            TornadoRelease.record(r, List.of(d));
            r.put("shape", shape);
            r.put("gflops", round(gflops));
            r.put("gbps", round(gbps));
            r.put("median_ms", round(seconds * 1e3));
            r.put("min_ms", round(t.minSeconds() * 1e3));
            r.put("max_ms", round(t.maxSeconds() * 1e3));
            r.put("runs", t.nanos().length);
            r.put("unstable", t.spread() > 0.1);
            out.println(Json.write(r));
        } else {
            out.printf("%s %s on %s (%s)%n%s", op.name(), shape, d.id(), d.name(), TornadoRelease.line(List.of(d)));
            out.printf("  %.3f ms median (min %.3f, max %.3f, %d runs)  %.1f GFLOP/s  %.1f GB/s%s%n", seconds * 1e3,
                    t.minSeconds() * 1e3, t.maxSeconds() * 1e3, t.nanos().length, gflops, gbps,
                    t.spread() > 0.1 ? String.format("  [unstable: spread %.0f%%]", 100 * t.spread()) : "");
        }
    }

    private static double round(double x) { return Math.round(x * 1000) / 1000.0; }

    private static MemorySegment random(Arena arena, long n, long seed) {
        MemorySegment s = arena.allocate(4 * n, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
        return s;
    }
}
