package jvit.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import jvit.vit.benchmark.KernelCase;
import jvit.vit.benchmark.KernelCases;
import jvit.vit.benchmark.ModelCases;
import org.openjdk.jmh.annotations.Param;
import org.junit.jupiter.api.Test;

/** JMH needs its parameter values as constants: they must be the catalogues' own. */
class BenchParamsTest {
    @Test
    void kernelBenchRunsEveryKernelCase() throws Exception {
        assertEquals(KernelCases.all().stream().map(KernelCase::name).toList(), values(KernelBench.class, "kernel"));
    }

    @Test
    void modelBenchesRunEveryModelAndBatch() throws Exception {
        assertEquals(ModelCases.MODELS, values(ModelParams.class, "model"));
        assertEquals(ModelCases.BATCHES.stream().map(String::valueOf).toList(), values(ModelParams.class, "batch"));
    }

    private static List<String> values(Class<?> benchmark, String field) throws NoSuchFieldException {
        return List.of(benchmark.getField(field).getAnnotation(Param.class).value());
    }
}
