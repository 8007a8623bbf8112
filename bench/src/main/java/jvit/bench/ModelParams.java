package jvit.bench;

import jvit.runtime.Devices;
import jvit.vit.benchmark.ModelCase;
import jvit.vit.benchmark.ModelCases;
import jvit.vit.benchmark.Workload;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The parameters of the whole-model benchmarks ({@link ModelCases}) and the workload they load. */
@State(Scope.Benchmark)
public abstract class ModelParams {
    @Param({"java", "opencl:0"})
    public String device;

    @Param({"ViT-Ti/16", "ViT-S/16", "ViT-B/16"})
    public String model;

    @Param({"1", "8", "64"})
    public int batch;

    protected Workload workload;

    /** Loads the case for this step on the device. */
    protected void load(ModelCase.Step step) {
        workload = ModelCases.of(model, batch, step).open(Devices.get(device));
    }

    @TearDown
    public void tearDown() {
        if (workload != null) workload.close();
    }
}
