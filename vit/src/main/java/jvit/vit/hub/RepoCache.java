package jvit.vit.hub;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import jvit.runtime.UserError;
import jvit.runtime.io.IoErrors;

/**
 * One model's folder in the Hugging Face cache, laid out as {@code huggingface_hub} lays it out, so
 * that either program uses what the other downloaded:
 * <pre>
 * models--ORG--NAME/
 *   blobs/&lt;etag&gt;                       the files' bytes, named by the ETag the Hub gave (SHA-256 for LFS files)
 *   blobs/&lt;etag&gt;.incomplete            a download under way; kept when interrupted, and resumed
 *   refs/&lt;revision&gt;                    a branch's or tag's commit hash, as text
 * ../.locks/models--ORG--NAME/&lt;etag&gt;.lock  held while a blob downloads
 *   snapshots/&lt;commit&gt;/&lt;file&gt;          relative symbolic links to the blobs
 *   .no_exist/&lt;commit&gt;/&lt;file&gt;          empty markers: the file is not in that commit
 * </pre>
 * Every write is atomic (a temporary name, then a rename), so a reader sees the old state or the new.
 */
final class RepoCache {
    private static final Map<Path, Object> THREAD_LOCKS = new ConcurrentHashMap<>();

    private final Path dir;

    RepoCache(Path cacheRoot, ModelId id) {
        this.dir = cacheRoot.resolve(id.cacheFolder());
    }

    Path dir() { return dir; }

    /** The commit a revision names: itself if it is a commit hash, else what {@code refs/<revision>} holds. */
    Optional<String> commitOf(String revision) {
        if (ModelId.isCommit(revision)) return Optional.of(revision);
        Path ref = dir.resolve("refs").resolve(revision);
        if (!Files.isRegularFile(ref)) return Optional.empty();
        try {
            String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            return ModelId.isCommit(commit) ? Optional.of(commit) : Optional.empty();
        } catch (IOException e) {
            throw UserError.inFile(ref, "cannot read: " + IoErrors.describe(e) + "; check the cache's permissions");
        }
    }

    /** Records that {@code revision} (a branch or tag) is at {@code commit}; nothing to record for a commit hash. */
    void writeRef(String revision, String commit) {
        if (revision.equals(commit)) return;
        Path ref = dir.resolve("refs").resolve(revision);
        if (commit.equals(commitOf(revision).orElse(null))) return;
        write(ref, () -> {
            Path temp = temporary(ref);
            Files.writeString(temp, commit, StandardCharsets.UTF_8);
            return temp;
        });
    }

    Path snapshot(String commit) { return dir.resolve("snapshots").resolve(commit); }

    /** A file of a snapshot: present once downloaded and linked. */
    Path file(String commit, String name) { return snapshot(commit).resolve(name); }

    boolean markedMissing(String commit, String name) {
        return Files.exists(dir.resolve(".no_exist").resolve(commit).resolve(name));
    }

    /** Remembers that the Hub has no {@code name} at {@code commit}, so that it is not asked again (and offline knows it). */
    void markMissing(String commit, String name) {
        Path marker = dir.resolve(".no_exist").resolve(commit).resolve(name);
        try {
            Files.createDirectories(marker.getParent());
            Files.createFile(marker);
        } catch (FileAlreadyExistsException done) {
            // another run marked it
        } catch (IOException e) {
            throw UserError.inFile(marker, "cannot write: " + IoErrors.describe(e) + "; check that the cache is writable");
        }
    }

    Path blob(String etag) { return dir.resolve("blobs").resolve(etag); }

    Path incomplete(String etag) { return dir.resolve("blobs").resolve(etag + ".incomplete"); }

    /**
     * Holds {@code .locks/models--ORG--NAME/<etag>.lock} (where {@code huggingface_hub} keeps its
     * locks) while {@code action} runs, so that two jvit processes do not write one blob's
     * {@code .incomplete} file at once: the second waits, then finds the blob there.
     */
    void whileLocked(String etag, Runnable action) {
        Path lock = dir.resolveSibling(".locks").resolve(dir.getFileName()).resolve(etag + ".lock");
        // A file lock excludes other processes; threads of this one, which the JVM refuses a second lock, wait on a monitor.
        synchronized (THREAD_LOCKS.computeIfAbsent(lock.toAbsolutePath(), k -> new Object())) {
            try {
                Files.createDirectories(lock.getParent());
                try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock held = channel.lock()) {
                    action.run();
                }
            } catch (IOException e) {
                throw UserError.inFile(lock, "cannot lock: " + IoErrors.describe(e) + "; check that the cache is writable");
            }
        }
    }

    /** Points {@code snapshots/<commit>/<name>} at the blob with a relative link (a copy where links cannot be made). */
    void link(String commit, String name, String etag) {
        Path pointer = file(commit, name), blob = blob(etag);
        write(pointer, () -> {
            Path temp = temporary(pointer);
            try {
                Files.createSymbolicLink(temp, pointer.getParent().relativize(blob));
            } catch (UnsupportedOperationException | IOException noLinks) {
                Files.deleteIfExists(temp);
                Files.copy(blob, temp);
            }
            return temp;
        });
    }

    private interface Staging {
        /** Writes the new entry under a temporary name beside the target and returns that name. */
        Path stage() throws IOException;
    }

    private static void write(Path target, Staging staging) {
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = staging.stage();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } catch (IOException e) {
            throw UserError.inFile(target, "cannot write: " + IoErrors.describe(e) + "; check that the cache is writable and has room");
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a stray temporary file, named as such
                }
            }
        }
    }

    private static Path temporary(Path target) {
        return target.resolveSibling(target.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
    }
}
