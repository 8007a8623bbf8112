package jvit.bench;

import java.util.concurrent.TimeUnit;
import jvit.vit.benchmark.ModelCase;
import org.openjdk.jmh.annotations.*;

/** A ViT's training step at 224² (forward, loss, backward, AdamW), a batch per call, parameters and moments resident. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,jvit.kernels.cpu.*::*Lanes", "-Xmn96m"})
public class TrainStepBench extends ModelParams {
    @Setup
    public void setUp() {
        load(ModelCase.Step.TRAIN);
    }

    @Benchmark
    public long trainStep() {
        return workload.run();
    }
}
