package jvit.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import jvit.kernels.cpu.Attention;
import org.openjdk.jmh.annotations.*;

/** {@link Attention} as in ViT-B/16 for 8 images: 197 tokens, 12 heads of 64. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AttentionBench {
    @Param("8")
    public int batch;

    @Param("197")
    public int tokens;

    @Param("12")
    public int heads;

    @Param("64")
    public int headDim;

    private Arena arena;
    private MemorySegment qkv, out;

    @Setup
    public void setUp() {
        arena = Arena.ofShared();
        long width = (long) heads * headDim;
        qkv = Inputs.random(arena, (long) batch * tokens * 3 * width, 1);
        out = arena.allocate(4L * batch * tokens * width, 64);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment attention() {
        Attention.forward(out, qkv, batch, tokens, heads, headDim);
        return out;
    }
}
