package jvit.bench;

import java.util.concurrent.TimeUnit;
import jvit.vit.benchmark.ModelCase;
import org.openjdk.jmh.annotations.*;

/** A ViT's forward pass at 224², a batch per call, weights resident on the device. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,jvit.kernels.cpu.*::*Lanes", "-Xmn96m"})
public class ForwardBench extends ModelParams {
    @Setup
    public void setUp() {
        load(ModelCase.Step.FORWARD);
    }

    @Benchmark
    public long forward() {
        return workload.run();
    }
}
