package jvit.runtime.schedule;

import java.util.List;
import java.util.stream.Collectors;
import jvit.runtime.Device;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Step;
import jvit.runtime.Tensor;

/**
 * A task graph spread over devices: consecutive stages, each a sub-graph on one device, and the
 * tensors that cross from one stage to a later one. A crossing is explicit in both graphs (the
 * producer copies the tensor to the host, the consumer copies it in) and between them, as a
 * {@link Transfer} from the producer's host copy to the consumer's.
 */
public record Placement(List<Stage> stages, List<Transfer> transfers) {
    /** A sub-graph and the device it runs on. */
    public record Stage(Device device, ImmutableTaskGraph graph) {}

    /** After stage {@code from} runs, {@code source}'s host memory is copied to {@code target}'s, which stage {@code to} reads. */
    public record Transfer(int from, int to, Tensor source, Tensor target) {}

    public Placement {
        if (stages.isEmpty()) throw new IllegalArgumentException("a placement needs a stage");
        stages = List.copyOf(stages);
        transfers = List.copyOf(transfers);
    }

    /** The whole graph on one device. */
    public static Placement single(Device device, ImmutableTaskGraph graph) {
        return new Placement(List.of(new Stage(device, graph)), List.of());
    }

    public List<Device> devices() {
        return stages.stream().map(Stage::device).distinct().toList();
    }

    /**
     * Whether micro-batches can flow through the stages at once: inputs that change every run go to
     * the first stage (a later stage gets them as a crossing). Results a stage copies out are the
     * micro-batch's that stage just ran.
     */
    public boolean pipelinable() {
        for (int s = 1; s < stages.size(); s++) {
            for (Step step : stages.get(s).graph().steps()) {
                if (step instanceof Step.CopyIn in && in.mode() == jvit.runtime.DataTransferMode.EVERY_EXECUTION
                        && transfers.stream().noneMatch(t -> t.target() == in.tensor())) return false;
            }
        }
        return true;
    }

    /** One line per stage: its device, how many tasks, the first and last, and what crosses out of it. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (int s = 0; s < stages.size(); s++) {
            Stage stage = stages.get(s);
            var tasks = stage.graph().tasks();
            int index = s;
            String out = transfers.stream().filter(t -> t.from() == index)
                    .map(t -> t.source().name().replaceFirst("@.*", "") + " (" + t.source().bytes() + " bytes) to stage " + t.to())
                    .distinct().collect(Collectors.joining(", "));
            b.append(String.format("stage %d on %s: %d tasks, %s .. %s%s%n", s, stage.device().id(), tasks.size(),
                    tasks.getFirst().name(), tasks.getLast().name(), out.isEmpty() ? "" : "; then " + out));
        }
        return b.toString();
    }
}
