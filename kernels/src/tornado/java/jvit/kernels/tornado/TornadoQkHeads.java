package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The queries and keys of a fused qkv {@code [rows, 3, width]} moved out into q, k {@code [rows, width]}
 * and back, around timm's qk_norm, as {@code jvit.kernels.cpu.QkHeads} and qk_heads.cl. One work-item per
 * element of the output (of q and k together for the split); n counts them.
 */
public final class TornadoQkHeads {
    private TornadoQkHeads() {}

    public static void split(KernelContext context, FloatArray q, FloatArray k, FloatArray qkv, int width, int n) {
        int i = context.globalIdx;
        if (i < n) {
            int at = i / width * 3 * width + i % width;
            q.set(i, qkv.get(at));
            k.set(i, qkv.get(at + width));
        }
    }

    public static void merge(KernelContext context, FloatArray out, FloatArray qkv, FloatArray q, FloatArray k, int width, int n) {
        int i = context.globalIdx;
        if (i < n) {
            int part = i / width % 3, at = i / (3 * width) * width + i % width;
            out.set(i, part == 0 ? q.get(at) : part == 1 ? k.get(at) : qkv.get(i));
        }
    }
}
