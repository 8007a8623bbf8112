package jvit.runtime.io;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jvit.runtime.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void aRegularFileIsReplacedWhole() throws IOException {
        Path file = dir.resolve("out.bin");
        Files.write(file, new byte[] {9, 9, 9, 9});
        AtomicFile.write(file, out -> out.write(new byte[] {1, 2}));
        assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(file));
        try (var left = Files.list(dir)) {
            assertEquals(1, left.count(), "no temporary file is left");
        }
    }

    @Test
    void aFolderIsRefused() {
        UserError e = assertThrows(UserError.class, () -> AtomicFile.write(dir, out -> out.write(1)));
        assertTrue(e.getMessage().contains("is a folder"), e.getMessage());
    }

    @Test
    @Timeout(60)
    void aFifoIsWrittenInPlaceAndStaysAFifo() throws Exception {
        Path fifo = dir.resolve("pipe");
        run("mkfifo", fifo.toString());
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(fifo);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        AtomicFile.write(fifo, out -> out.write(new byte[] {4, 5, 6}));
        assertArrayEquals(new byte[] {4, 5, 6}, read.get(30, TimeUnit.SECONDS));
        assertTrue(Files.readAttributes(fifo, PosixFileAttributes.class).isOther(), "still a FIFO");
    }

    /** The device node of /dev/null, made in the test's own folder (mknod needs root). */
    @Test
    void aDeviceIsWrittenInPlaceAndStaysADevice() throws Exception {
        Path nul = deviceNode("null", 3);
        AtomicFile.write(nul, out -> out.write(new byte[1000]));
        assertTrue(Files.readAttributes(nul, PosixFileAttributes.class).isOther(), "still a device");
    }

    /** /dev/full's node: every write fails with ENOSPC, which is the user's to fix. */
    @Test
    void aFullDeviceIsAUserError() throws Exception {
        Path full = deviceNode("full", 7);
        UserError e = assertThrows(UserError.class, () -> AtomicFile.write(full, out -> out.write(new byte[1 << 17])));
        assertTrue(e.getMessage().startsWith(full + ": cannot write"), e.getMessage());
        assertTrue(Files.readAttributes(full, PosixFileAttributes.class).isOther(), "still a device");
    }

    private Path deviceNode(String name, int minor) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mknod needs root");
        Path node = dir.resolve(name);
        run("mknod", node.toString(), "c", "1", Integer.toString(minor));
        return node;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertEquals(0, p.waitFor(), String.join(" ", command));
    }
}
