package jvit.runtime.schedule;

import java.util.Map;
import jvit.runtime.Device;
import jvit.runtime.Executable;
import jvit.runtime.ExecutionResult;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Tensor;

/** Another device made of the java device, for placements over two devices on any machine; it may fail after some runs. */
public record StandInDevice(Device base, String id, int runsBeforeFailing) implements Device {
    public StandInDevice(Device base, String id) {
        this(base, id, Integer.MAX_VALUE);
    }

    public String name() { return base.name(); }

    public Map<String, String> properties() { return base.properties(); }

    public Executable load(ImmutableTaskGraph graph) {
        Executable loaded = base.load(graph);
        return new Executable() {
            private int runs;

            public ExecutionResult execute(boolean profile) {
                if (runs++ >= runsBeforeFailing) throw new IllegalStateException("the device was unplugged");
                return loaded.execute(profile);
            }

            public void copyToHost(Tensor tensor) { loaded.copyToHost(tensor); }

            public void close() { loaded.close(); }
        };
    }
}
