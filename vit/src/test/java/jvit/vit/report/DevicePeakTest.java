package jvit.vit.report;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Floors: FLOPs over the compute peak or bytes over the bandwidth, whichever is longer. */
class DevicePeakTest {
    @Test
    void thePeakIsTheHardwaresWhereKnownAndHigherElseTheMatmuls() {
        assertEquals(480, new DevicePeak(400, 480, "2 cores ...", 50).gflops());
        assertEquals(400, new DevicePeak(400, Double.NaN, "", 50).gflops());
        assertEquals(400, new DevicePeak(400, 300, "a guess too low", 50).gflops(), "a matmul cannot beat the hardware");
    }

    @Test
    void aKernelsFloorIsWhicheverLimitBinds() {
        DevicePeak p = new DevicePeak(400, 500, "", 50);
        // matmul 2048³: 17.2 GFLOP, 48 MiB: compute-bound, 34.4 ms
        long flops = 2L * 2048 * 2048 * 2048, bytes = 3L * 4 * 2048 * 2048;
        assertEquals(flops / 500e9, p.floorSeconds(flops, bytes), 1e-12);
        assertEquals("compute", p.bound(flops, bytes));
        // layernorm 1576×768: 9.7 MFLOP, 9.7 MB: memory-bound, 0.19 ms at 50 GB/s
        long lnFlops = 8L * 1576 * 768, lnBytes = 4L * (2L * 1576 * 768 + 2 * 768);
        assertEquals(lnBytes / 50e9, p.floorSeconds(lnFlops, lnBytes), 1e-12);
        assertEquals("memory", p.bound(lnFlops, lnBytes));
    }
}
