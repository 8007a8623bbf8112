package jvit.vit.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jvit.runtime.Device;
import jvit.runtime.schedule.AutoPlacement;
import jvit.runtime.schedule.Deployment;
import jvit.runtime.schedule.Failover;
import jvit.runtime.schedule.Placement;
import jvit.runtime.schedule.Schedule;
import jvit.vit.model.AutoDevice;
import jvit.vit.model.Inference;
import jvit.vit.model.ViTWeights;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --devices A,B --schedule S --explain}: inference over several devices, beside a command's {@code --device}. */
final class PlacementOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--devices", split = ",", paramLabel = "A,B", description = "Several devices (see `vit devices`), spread by --schedule.")
    List<String> devices;
    @Option(names = "--schedule", paramLabel = "S", description = "How to spread the model over --devices: single, auto (per operator,"
            + " from the device profiles) or pipeline (layers in proportion to speed); default auto for several devices.")
    String schedule;
    @Option(names = "--explain", description = "Print where each part of the model runs.")
    boolean explain;
    @Option(names = "--on-failure", defaultValue = "fail", paramLabel = "fail|fallback", description = "When a device fails: fail (stop,"
            + " naming it) or fallback (say so on stderr, finish on the other devices); default ${DEFAULT-VALUE}.")
    String onFailure;

    /**
     * The devices and schedule asked for: {@code --devices} with {@code --schedule}, else the one
     * {@code --device}, for {@code auto} the fastest for a forward pass of {@code weights} at {@code batch}.
     */
    Deployment deployment(String device, KernelBinaryOption kernelBinary, ViTWeights weights, int batch) {
        PrintWriter err = spec.commandLine().getErr();
        return DeploymentArguments.parse(spec, device, devices, schedule, DeploymentArguments.Use.INFERENCE, kernelBinary::on,
                        () -> AutoDevice.resolve("auto", weights, batch))
                .withFailover(Failover.parse(onFailure, line -> err.println("vit: " + line)));
    }

    /** With {@code --explain}: the stages, and the profiles' estimate of one run in order against each device alone. */
    void explain(PrintWriter out, Inference inference, Deployment deployment) {
        if (!explain) return;
        Placement placement = inference.placement();
        out.print(placement.describe());
        if (deployment.schedule() == Schedule.SINGLE) return;
        List<Device> perLaunch = new ArrayList<>();
        for (Placement.Stage stage : placement.stages())
            perLaunch.addAll(Collections.nCopies(stage.graph().tasks().size(), stage.device()));
        var graph = inference.graph();
        out.printf("estimated from the profiles, one run of the graph: %.2f ms", 1e3 * AutoPlacement.seconds(graph, perLaunch,
                deployment.profiles()));
        for (Device d : deployment.devices())
            out.printf("; %s alone %.2f ms", d.id(), 1e3 * AutoPlacement.seconds(graph, Collections.nCopies(perLaunch.size(), d), deployment.profiles()));
        out.println();
    }
}
