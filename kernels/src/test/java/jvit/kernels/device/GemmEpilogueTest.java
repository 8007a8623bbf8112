package jvit.kernels.device;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.device.KernelArg.Int;
import jvit.kernels.device.KernelArg.Null;
import jvit.kernels.device.KernelArg.Tensor;
import org.junit.jupiter.api.Test;

/** The epilogue launch after a library GEMM: only when there is something to do, over every element of C. */
class GemmEpilogueTest {
    private static final DeviceLimits LIMITS = new DeviceLimits(DeviceLimits.DeviceType.GPU, 1024, 48 * 1024, 132, 1);

    @Test
    void aBareProductNeedsNoEpilogue() {
        assertTrue(GemmEpilogue.launch(new Op.Matmul(2, 5, 7, 3, false, true, false, Activation.NONE), LIMITS).isEmpty());
    }

    @Test
    void biasAndGeluCoverEveryElementOfEveryBatch() {
        KernelLaunch launch = GemmEpilogue.launch(new Op.Matmul(3, 67, 129, 97, false, false, true, Activation.GELU), LIMITS).orElseThrow();
        int total = 3 * 67 * 129;
        assertTrue(launch.global()[0] >= total && launch.global()[0] - launch.local()[0] < total, launch.toString());
        assertEquals(List.of(new Tensor(0), new Tensor(3), new Int(129), new Int(total), new Int(1)), launch.args());
        assertTrue(launch.program().source().contains("KERNEL void " + launch.kernel() + "("), launch.toString());
    }

    @Test
    void geluWithoutBiasPassesANullBias() {
        KernelLaunch launch = GemmEpilogue.launch(new Op.Matmul(1, 4, 6, 8, false, true, false, Activation.GELU),
                new DeviceLimits(DeviceLimits.DeviceType.GPU, 3, 1024, 1, 1)).orElseThrow();
        assertEquals(new Null(), launch.args().get(1));
        assertEquals(3, launch.groupSize());
    }
}
