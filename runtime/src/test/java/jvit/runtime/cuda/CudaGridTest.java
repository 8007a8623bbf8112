package jvit.runtime.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.device.DeviceKernels;
import jvit.kernels.device.DeviceLimits;
import jvit.kernels.device.KernelLaunch;
import jvit.kernels.device.KernelProgram;
import org.junit.jupiter.api.Test;

/** OpenCL-style sizes in threads become CUDA blocks of threads. */
class CudaGridTest {
    private static final DeviceLimits GPU = new DeviceLimits(DeviceLimits.DeviceType.GPU, 1024, 48 * 1024, 132, 1);

    private static KernelLaunch launch(long[] global, long[] local) {
        return new KernelLaunch(new KernelProgram("add.cl", List.of()), "add", global, local, List.of());
    }

    @Test
    void globalOverLocalIsTheGridAndMissingDimensionsAreOne() {
        assertEquals(new CudaGrid(40, 1, 1, 256, 1, 1), CudaGrid.of(launch(new long[] {10_240}, new long[] {256})));
        assertEquals(new CudaGrid(3, 5, 7, 16, 16, 1), CudaGrid.of(launch(new long[] {48, 80, 7}, new long[] {16, 16, 1})));
    }

    @Test
    void theViTB16LaunchesAtBatch64() {
        int rows = 64 * 197;
        CudaGrid matmul = CudaGrid.of(DeviceKernels.launches(Op.Matmul.linear(rows, 768, 3072, Activation.GELU), GPU).getFirst());
        assertEquals(new CudaGrid(48, 197, 1, 16, 16, 1), matmul);
        CudaGrid attention = CudaGrid.of(DeviceKernels.launches(new Op.Attention(64, 197, 12, 64), GPU).getFirst());
        assertEquals(new CudaGrid(4, 12, 64, 64, 1, 1), attention);
        CudaGrid layerNorm = CudaGrid.of(DeviceKernels.launches(new Op.LayerNorm(rows, 768, 1e-6f), GPU).getFirst());
        assertEquals(new CudaGrid(rows, 1, 1, 256, 1, 1), layerNorm);
        assertEquals(256, matmul.threadsPerBlock());
    }

    @Test
    void gridsBeyondCudasLimitsAreRefused() {
        var tall = assertThrows(IllegalArgumentException.class, () -> CudaGrid.of(launch(new long[] {1, 65_536}, new long[] {1, 1})));
        assertTrue(tall.getMessage().contains("blocks; CUDA allows at most [2147483647, 65535, 65535]"), tall.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CudaGrid.of(launch(new long[] {2048}, new long[] {2048})));
        assertThrows(IllegalArgumentException.class, () -> CudaGrid.of(launch(new long[] {64, 64}, new long[] {64, 32})));
        assertThrows(IllegalArgumentException.class, () -> CudaGrid.of(launch(new long[] {1, 1, 128}, new long[] {1, 1, 128})));
    }
}
