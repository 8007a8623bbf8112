package jvit.runtime.cuda;

import java.util.Arrays;
import jvit.kernels.device.KernelLaunch;

/**
 * A launch in CUDA's terms: a grid of blocks, each of threads. {@link KernelLaunch} sizes count
 * threads, as OpenCL's global and local sizes do; a CUDA grid counts blocks, global / local along
 * each dimension, and missing dimensions are 1.
 */
record CudaGrid(int blocksX, int blocksY, int blocksZ, int threadsX, int threadsY, int threadsZ) {
    /** The limits of every GPU since compute capability 3.0. */
    static final long MAX_BLOCKS_X = Integer.MAX_VALUE, MAX_BLOCKS_YZ = 65_535;
    static final int MAX_THREADS_XY = 1024, MAX_THREADS_Z = 64, MAX_THREADS = 1024;

    CudaGrid {
        if (blocksX < 1 || blocksY < 1 || blocksZ < 1 || threadsX < 1 || threadsY < 1 || threadsZ < 1)
            throw new IllegalArgumentException("a CUDA grid needs at least one block and thread along each dimension");
    }

    static CudaGrid of(KernelLaunch launch) {
        long[] global = Arrays.copyOf(launch.global(), 3), local = Arrays.copyOf(launch.local(), 3);
        for (int d = launch.dimensions(); d < 3; d++) global[d] = local[d] = 1;
        long[] blocks = new long[3];
        for (int d = 0; d < 3; d++) blocks[d] = global[d] / local[d];
        if (blocks[0] > MAX_BLOCKS_X || blocks[1] > MAX_BLOCKS_YZ || blocks[2] > MAX_BLOCKS_YZ)
            throw new IllegalArgumentException(launch + " needs " + Arrays.toString(blocks) + " blocks; CUDA allows at most ["
                    + MAX_BLOCKS_X + ", " + MAX_BLOCKS_YZ + ", " + MAX_BLOCKS_YZ + "]");
        if (local[0] > MAX_THREADS_XY || local[1] > MAX_THREADS_XY || local[2] > MAX_THREADS_Z || launch.groupSize() > MAX_THREADS)
            throw new IllegalArgumentException(launch + " has blocks of " + Arrays.toString(local) + " threads; CUDA allows at most ["
                    + MAX_THREADS_XY + ", " + MAX_THREADS_XY + ", " + MAX_THREADS_Z + "], " + MAX_THREADS + " in all");
        return new CudaGrid((int) blocks[0], (int) blocks[1], (int) blocks[2], (int) local[0], (int) local[1], (int) local[2]);
    }

    int threadsPerBlock() { return threadsX * threadsY * threadsZ; }
}
