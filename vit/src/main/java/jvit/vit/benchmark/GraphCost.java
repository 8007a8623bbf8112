package jvit.vit.benchmark;

import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Task;
import jvit.runtime.Tensor;

/**
 * What a graph costs to run: its operators' FLOPs and bytes summed, and the bytes of all its
 * tensors, which is what a device allocates for it (buffers are not shared between tensors).
 */
public record GraphCost(long flops, long bytes, long footprintBytes) {
    public static GraphCost of(ImmutableTaskGraph graph) {
        long flops = 0, bytes = 0, footprint = 0;
        for (Task t : graph.tasks()) {
            flops += t.op().flops();
            bytes += t.op().bytes();
        }
        for (Tensor t : graph.tensors()) footprint += t.bytes();
        return new GraphCost(flops, bytes, footprint);
    }
}
