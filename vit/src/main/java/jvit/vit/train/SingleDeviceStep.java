package jvit.vit.train;

import jvit.runtime.Device;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.ImmutableTaskGraph;

/** The whole training step as one graph on one device, parameters and moments resident there. */
final class SingleDeviceStep implements TrainingStep {
    private final ExecutionPlan plan;
    private final Optimizer optimizer;

    SingleDeviceStep(ImmutableTaskGraph graph, Device device, Optimizer optimizer) {
        this.plan = new ExecutionPlan(graph, device);
        this.optimizer = optimizer;
    }

    public void run() {
        plan.execute();
    }

    public void copyStateToHost() {
        for (Optimizer.Slot s : optimizer.slots()) plan.transferToHost(s.param(), s.m(), s.v());
    }

    public void close() {
        plan.close();
    }
}
