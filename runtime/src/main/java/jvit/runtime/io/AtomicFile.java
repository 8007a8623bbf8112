package jvit.runtime.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import jvit.runtime.UserError;

/**
 * Writes a file so that readers see the old file or the whole new one, never a part: the bytes go
 * to a temporary file in the same folder, are synced to disk, and the temporary file is renamed
 * over the target. A crash or error leaves no partial output behind. A target that exists and is not
 * a regular file (a device such as {@code /dev/null}, a FIFO) is written in place instead: renaming
 * over it would replace the device with a file. A folder is refused.
 */
public final class AtomicFile {
    /** Writes a file's bytes; an {@link IOException} from it aborts the write. */
    @FunctionalInterface
    public interface Contents {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {}

    /** Replaces {@code target} with what {@code contents} writes; an I/O failure is a {@link UserError} naming it. */
    public static void write(Path target, Contents contents) {
        if (Files.isDirectory(target)) throw UserError.inFile(target, "is a folder; give the name of a file to write");
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            writeInPlace(target, contents);
            return;
        }
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = dir.resolve("." + absolute.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean done = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                contents.writeTo(out);
                out.flush();
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
            syncDirectory(dir);
        } catch (IOException e) {
            throw UserError.inFile(target, "cannot write: " + IoErrors.describe(e)
                    + "; check that the folder exists, is writable and has room");
        } finally {
            if (!done) deleteQuietly(temp);
        }
    }

    private static void writeInPlace(Path target, Contents contents) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target, StandardOpenOption.WRITE), 1 << 16)) {
            contents.writeTo(out);
        } catch (IOException e) {
            throw UserError.inFile(target, "cannot write: " + IoErrors.describe(e) + "; check the device or give a file instead");
        }
    }

    /** Makes the rename itself durable; not every file system lets a folder be opened, and then the rename stands unsynced. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException unsupported) {
            // The file's data is already on disk; only the rename's durability is left to the OS.
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // Nothing more can be done; the name starts with a dot and ends in .tmp, marking it as debris.
        }
    }
}
