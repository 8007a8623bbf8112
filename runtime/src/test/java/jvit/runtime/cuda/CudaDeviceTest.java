package jvit.runtime.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import jvit.kernels.Op;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.DeviceSuite;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.TaskGraph;
import jvit.runtime.TestDevices;
import jvit.runtime.Tensor;
import jvit.runtime.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device suite on cuda:0 (skipped without a GPU), loads checked for leaks of device memory, and
 * running out of device memory is a user error.
 */
class CudaDeviceTest implements DeviceSuite {
    public Device device() {
        return CudaTesting.device();
    }

    /** CUDA's events time a command to half a microsecond: a tiny one can take 0. */
    public long leastTaskNanos() {
        return 0;
    }

    /** The GPU's memory in use, up to its constant total: less free is more in use. */
    public long memoryInUse() {
        return -Cuda.freeMemory();
    }

    /** A tensor larger than any GPU (1 TiB, host memory a sparse file) fails the load with one line naming the device. */
    @Test
    void runningOutOfDeviceMemoryIsAUserError(@TempDir Path dir) throws IOException {
        Device device = device();
        long n = 1L << 38;
        Path file = dir.resolve("sparse");
        try (Arena arena = Arena.ofShared();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.allocate(1), 4 * n - 1);
            MemorySegment huge = channel.map(FileChannel.MapMode.READ_WRITE, 0, 4 * n, arena);
            Tensor x = Tensor.of("x", huge, n), y = Tensor.onDevice("y", n);
            ImmutableTaskGraph graph = new TaskGraph("too_big")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                    .task("gelu", new Op.Gelu(n), y, x)
                    .snapshot();
            var e = assertThrows(UserError.class, () -> device.load(graph));
            assertTrue(e.getMessage().startsWith(device.id() + " (" + device.name() + ") failed loading too_big: cuMemAlloc_v2:"
                    + " CUDA_ERROR_OUT_OF_MEMORY (2); the device is out of memory"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        } finally {
            Files.deleteIfExists(file);
        }
        assertArrayEquals(new double[] {3}, TestDevices.run(device, new Op.Add(1), new double[] {1}, new double[] {2}), "the device still works");
    }
}
