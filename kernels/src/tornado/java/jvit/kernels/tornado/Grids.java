package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.WorkerGrid3D;

/** Worker grids in the shape the kernels expect: global sizes rounded up to whole work-groups. */
final class Grids {
    private Grids() {}

    /** {@code groups × local} work-items along x. */
    static WorkerGrid groups1D(long groups, int local) {
        WorkerGrid grid = new WorkerGrid1D(Math.toIntExact(groups * local));
        grid.setLocalWork(local, 1, 1);
        return grid;
    }

    /** At least {@code n} work-items along x, in groups of {@code local}. */
    static WorkerGrid cover1D(long n, int local) {
        return groups1D(blocks(n, local), local);
    }

    static WorkerGrid grid2D(long x, long y, int localX, int localY) {
        WorkerGrid grid = new WorkerGrid2D(Math.toIntExact(x), Math.toIntExact(y));
        grid.setLocalWork(localX, localY, 1);
        return grid;
    }

    static WorkerGrid grid3D(long x, long y, long z, int localX, int localY, int localZ) {
        WorkerGrid grid = new WorkerGrid3D(Math.toIntExact(x), Math.toIntExact(y), Math.toIntExact(z));
        grid.setLocalWork(localX, localY, localZ);
        return grid;
    }

    static long blocks(long n, long size) {
        return (n + size - 1) / size;
    }
}
