package jvit.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import jvit.kernels.cpu.LayerNorm;
import org.openjdk.jmh.annotations.*;

/** {@link LayerNorm} over ViT-B/16's activations for 8 images: 1576 rows of 768. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class LayerNormBench {
    @Param("1576")
    public int rows;

    @Param("768")
    public int dim;

    private Arena arena;
    private MemorySegment x, gamma, beta, out;

    @Setup
    public void setUp() {
        arena = Arena.ofShared();
        x = Inputs.random(arena, (long) rows * dim, 1);
        gamma = Inputs.filled(arena, dim, 1);
        beta = Inputs.filled(arena, dim, 0);
        out = arena.allocate(4L * rows * dim, 64);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment layerNorm() {
        LayerNorm.forward(out, x, gamma, beta, rows, dim, 1e-6f);
        return out;
    }
}
