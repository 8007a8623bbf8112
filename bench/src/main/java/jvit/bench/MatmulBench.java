package jvit.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import jvit.kernels.Op.Activation;
import jvit.kernels.cpu.Matmul;
import org.openjdk.jmh.annotations.*;

/**
 * {@link Matmul} on the square reference size and on ViT-B/16's linear layers for a batch of 8
 * images (m = 8·197 tokens): qkv 768→2304, proj 768→768, fc1 768→3072, fc2 3072→768; and one
 * attention-sized batched product. {@code shape} is {@code [batch*]m x n x k}; FLOPs are
 * {@code 2·batch·m·n·k}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatmulBench {
    @Param({"2048x2048x2048", "1576x2304x768", "1576x768x768", "1576x3072x768", "1576x768x3072", "96*197x197x64"})
    public String shape;

    @Param({"true", "false"})
    public boolean transposedB;

    private Arena arena;
    private MemorySegment a, b, c;
    private int batch, m, n, k;

    @Setup
    public void setUp() {
        String[] parts = shape.split("\\*");
        batch = parts.length == 2 ? Integer.parseInt(parts[0]) : 1;
        String[] mnk = parts[parts.length - 1].split("x");
        m = Integer.parseInt(mnk[0]);
        n = Integer.parseInt(mnk[1]);
        k = Integer.parseInt(mnk[2]);
        arena = Arena.ofShared();
        a = Inputs.random(arena, (long) batch * m * k, 1);
        b = Inputs.random(arena, (long) batch * n * k, 2);
        c = arena.allocate(4L * batch * m * n, 64);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment matmul() {
        Matmul.forward(c, a, b, null, batch, m, n, k, transposedB, Activation.NONE);
        return c;
    }
}
