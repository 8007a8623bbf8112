package jvit.runtime.schedule;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileCacheTest {
    @Test
    void aMeasuredProfileIsCachedAndReadBackUnchanged(@TempDir Path dir) throws Exception {
        Device java = Devices.get("java");
        ProfileCache cache = new ProfileCache(dir);
        assertTrue(cache.cached(java).isEmpty());
        DeviceProfile measured = cache.profile(java);
        assertEquals(ProfileCache.key(java), measured.key());
        assertEquals(3, measured.matmulGflops().size());
        assertTrue(Files.isRegularFile(cache.file(measured.key())));
        assertEquals(measured, cache.cached(java).orElseThrow());
        assertEquals(measured, cache.profile(java), "a cached profile is not measured again");
    }

    @Test
    void aDamagedProfileIsMeasuredAgain(@TempDir Path dir) throws Exception {
        Device java = Devices.get("java");
        ProfileCache cache = new ProfileCache(dir);
        Path file = cache.file(ProfileCache.key(java));
        Files.createDirectories(dir);
        Files.writeString(file, "format=2\nkey=" + ProfileCache.key(java).replace("\\", "\\\\") + "\nmatmul_128_gflops=fast\n");
        assertTrue(cache.cached(java).isEmpty());
        DeviceProfile p = cache.profile(java);
        assertEquals(p, cache.cached(java).orElseThrow());
    }

    @Test
    void theCacheLivesUnderTheUsersCacheDirectory() {
        String saved = System.getProperty("jvit.cache");
        System.clearProperty("jvit.cache");
        try {
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
            assertTrue(ProfileCache.standard().file("k").startsWith(base.resolve("jvit").resolve("profiles")));
        } finally {
            if (saved != null) System.setProperty("jvit.cache", saved);
        }
    }

    @Test
    void estimatesFollowTheFigures() {
        var gflops = new TreeMap<Integer, Double>();
        gflops.put(128, 10.0);
        gflops.put(512, 100.0);
        DeviceProfile p = new DeviceProfile("k", gflops, 20, 5, 10, 30);
        // 512³ matmul: 2.68e8 flops at 100 GFLOP/s, plus 10 µs.
        assertEquals(2.0 * 512 * 512 * 512 / 100e9 + 10e-6, p.seconds(new Op.Matmul(1, 512, 512, 512, false, false, false, Activation.NONE)), 1e-12);
        // 128³ at 10 GFLOP/s (its memory traffic takes 3·64 KiB / 20 GB/s, less).
        assertEquals(2.0 * 128 * 128 * 128 / 10e9 + 10e-6, p.seconds(new Op.Matmul(1, 128, 128, 128, false, false, false, Activation.NONE)), 1e-12);
        // An add of 1M floats is memory-bound: 12 MB at 20 GB/s.
        assertEquals(12.0 * (1 << 20) / 20e9 + 10e-6, p.seconds(new Op.Add(1 << 20)), 1e-12);
        assertEquals(4e6 / 5e9, p.transferSeconds(4_000_000), 1e-15);
        assertEquals(100.0, p.speed());
    }
}
