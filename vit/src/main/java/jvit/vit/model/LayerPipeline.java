package jvit.vit.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jvit.runtime.Device;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Task;
import jvit.runtime.UserError;
import jvit.runtime.schedule.Deployment;
import jvit.runtime.schedule.Shares;

/**
 * The pipeline schedule's split of a ViT's graph: each device a run of consecutive encoder blocks,
 * in proportion to its profiled speed, the embedding with the first and the head with the last.
 * A launch goes with the block its name starts with ({@code blocks.N.}): in a training graph the
 * backward launches too, so the backward pass goes back through the devices in reverse.
 */
public final class LayerPipeline {
    private static final Pattern BLOCK = Pattern.compile("^blocks\\.(\\d+)\\.");

    private LayerPipeline() {}

    /** The device of each of {@code graph.tasks()}. */
    public static List<Device> devices(ImmutableTaskGraph graph, int layers, Deployment deployment) {
        List<Device> devices = deployment.devices();
        if (layers < devices.size())
            throw new UserError("a pipeline over " + devices.size() + " devices needs at least as many encoder layers; the model has " + layers);
        int[] perDevice = Shares.inProportion(layers, deployment.speeds());
        Device[] ofLayer = new Device[layers];
        for (int d = 0, layer = 0; d < devices.size(); d++)
            for (int i = 0; i < perDevice[d]; i++) ofLayer[layer++] = devices.get(d);
        List<Device> chosen = new ArrayList<>();
        int layer = 0;
        for (Task task : graph.tasks()) {
            Matcher m = BLOCK.matcher(task.name());
            if (m.find()) layer = Integer.parseInt(m.group(1));
            else if (layer > 0) layer = layers - 1; // the head (and in training its backward), after the last block
            chosen.add(ofLayer[layer]);
        }
        return chosen;
    }
}
