package jvit.vit.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jvit.runtime.UserError;
import jvit.runtime.io.IoErrors;

/**
 * The {@code --out} folder of a training run, held for the run: created when missing, locked so
 * that a second run into it is refused (the lock file names the holder's pid; the operating system
 * drops the lock when the holder dies, so a stale file is simply taken over), and swept of the
 * temporary files a killed run left behind.
 */
public final class OutputDirectory implements AutoCloseable {
    static final String LOCK = "train.lock";
    /** What {@link jvit.runtime.io.AtomicFile} names its temporary files: {@code .NAME.HEX.tmp}. */
    private static final Pattern DEBRIS = Pattern.compile("\\..+\\.[0-9a-f]{1,16}\\.tmp");

    private final Path lockFile;
    private final FileChannel channel;

    private OutputDirectory(Path lockFile, FileChannel channel) {
        this.lockFile = lockFile;
        this.channel = channel;
    }

    public static OutputDirectory open(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw UserError.inFile(dir, "is a file, not a folder; give --out a folder to write the model to");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw UserError.inFile(dir, "cannot create the folder: " + IoErrors.describe(e) + "; check the path and its permissions");
        }
        Path lockFile = dir.resolve(LOCK);
        OutputDirectory held = lock(lockFile);
        held.sweep(dir);
        return held;
    }

    /** Takes the lock, retrying when the file was removed by its previous holder between our open and our lock. */
    private static OutputDirectory lock(Path file) {
        try {
            while (true) {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException heldInThisProcess) {
                    lock = null;
                }
                if (lock == null) {
                    String holder = holder(channel);
                    channel.close();
                    throw UserError.inFile(file.getParent(), "another training" + holder + " is writing to this folder;"
                            + " wait for it to finish or give another --out");
                }
                // A holder deletes the file before it lets go; if ours was deleted so, the path shows another pid or none.
                String pid = ProcessHandle.current().pid() + "\n";
                channel.truncate(0).write(ByteBuffer.wrap(pid.getBytes(StandardCharsets.US_ASCII)), 0);
                channel.force(true);
                if (Files.exists(file) && Files.readString(file, StandardCharsets.US_ASCII).equals(pid)) return new OutputDirectory(file, channel);
                channel.close();
            }
        } catch (IOException e) {
            throw UserError.inFile(file, "cannot lock: " + IoErrors.describe(e) + "; check the folder's permissions");
        }
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(32);
        channel.read(bytes, 0);
        String pid = new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII).trim();
        return pid.matches("[0-9]+") ? " (pid " + pid + ")" : "";
    }

    /** Removes the half-written temporary files of a run that was killed while writing. */
    private void sweep(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> DEBRIS.matcher(f.getFileName().toString()).matches()).toList()) Files.deleteIfExists(f);
        } catch (IOException e) {
            throw UserError.inFile(dir, "cannot clean up temporary files: " + IoErrors.describe(e) + "; check the folder's permissions");
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(lockFile);
            channel.close();
        } catch (IOException e) {
            throw UserError.inFile(lockFile, "cannot remove the lock: " + IoErrors.describe(e));
        }
    }
}
