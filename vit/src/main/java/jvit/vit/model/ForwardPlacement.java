package jvit.vit.model;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jvit.runtime.Device;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Task;
import jvit.runtime.UserError;
import jvit.runtime.schedule.AutoPlacement;
import jvit.runtime.schedule.Deployment;
import jvit.runtime.schedule.GraphSplitter;
import jvit.runtime.schedule.Placement;
import jvit.runtime.schedule.Shares;

/** The forward graph over a deployment's devices: which launch runs where, for each schedule. */
public final class ForwardPlacement {
    private static final Pattern BLOCK = Pattern.compile("^blocks\\.(\\d+)\\.");

    private ForwardPlacement() {}

    public static Placement of(ImmutableTaskGraph forward, int layers, Deployment deployment, Arena arena) {
        return switch (deployment.schedule()) {
            case SINGLE -> Placement.single(deployment.first(), forward);
            case AUTO -> GraphSplitter.split(forward, AutoPlacement.assign(forward, deployment.devices(), deployment.profiles()), arena);
            case PIPELINE -> GraphSplitter.split(forward, pipeline(forward, layers, deployment), arena);
            case DATA_PARALLEL -> throw new UserError("--schedule data-parallel is for training (vit train); inference takes single, auto or pipeline");
        };
    }

    /** Each device a run of consecutive encoder blocks; the embedding goes with the first, the head with the last. */
    static List<Device> pipeline(ImmutableTaskGraph forward, int layers, Deployment deployment) {
        List<Device> devices = deployment.devices();
        if (layers < devices.size())
            throw new UserError("a pipeline over " + devices.size() + " devices needs at least as many encoder layers; the model has " + layers);
        int[] perDevice = Shares.inProportion(layers, deployment.speeds());
        Device[] ofLayer = new Device[layers];
        for (int d = 0, layer = 0; d < devices.size(); d++)
            for (int i = 0; i < perDevice[d]; i++) ofLayer[layer++] = devices.get(d);
        List<Device> chosen = new ArrayList<>();
        int layer = 0;
        for (Task task : forward.tasks()) {
            Matcher m = BLOCK.matcher(task.name());
            if (m.find()) layer = Integer.parseInt(m.group(1));
            else if (layer > 0) layer = layers - 1; // the head, after the last block
            chosen.add(ofLayer[layer]);
        }
        return chosen;
    }
}
