package jvit.vit.model;

import java.lang.foreign.Arena;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.UserError;
import jvit.runtime.schedule.AutoPlacement;
import jvit.runtime.schedule.Deployment;
import jvit.runtime.schedule.GraphSplitter;
import jvit.runtime.schedule.Placement;

/** The forward graph over a deployment's devices: which launch runs where, for each schedule. */
public final class ForwardPlacement {
    private ForwardPlacement() {}

    public static Placement of(ImmutableTaskGraph forward, int layers, Deployment deployment, Arena arena) {
        return switch (deployment.schedule()) {
            case SINGLE -> Placement.single(deployment.first(), forward);
            case AUTO -> GraphSplitter.split(forward, AutoPlacement.assign(forward, deployment.devices(), deployment.profiles()), arena);
            case PIPELINE -> GraphSplitter.split(forward, LayerPipeline.devices(forward, layers, deployment), arena);
            case DATA_PARALLEL -> throw new UserError("--schedule data-parallel is for training (vit train); inference takes single, auto or pipeline");
        };
    }
}
