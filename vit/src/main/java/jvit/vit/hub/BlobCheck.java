package jvit.vit.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import jvit.runtime.UserError;
import jvit.runtime.io.IoErrors;

/**
 * Checks a downloaded file against what the Hub stated: its size, and its hash where the ETag is
 * one. An LFS file's ETag is the SHA-256 of its bytes; a small file's is its git blob id, the
 * SHA-1 of {@code "blob <size>\0"} and the bytes.
 */
final class BlobCheck {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}"), GIT_SHA1 = Pattern.compile("[0-9a-f]{40}");

    /** How a download differs from what the Hub stated. */
    record Mismatch(String what, String stated, String found) {
        @Override
        public String toString() {
            return "has " + what + " " + found + " but the Hub states " + stated;
        }
    }

    private BlobCheck() {}

    /** {@code null} when the file is what the Hub stated ({@code size} -1: not stated). */
    static Mismatch verify(Path file, String etag, long size) {
        try {
            long actual = Files.size(file);
            if (size >= 0 && actual != size) return new Mismatch("size", size + " bytes", actual + " bytes");
            if (SHA256.matcher(etag).matches()) {
                String found = digest(file, "SHA-256", null);
                return found.equals(etag) ? null : new Mismatch("SHA-256", etag, found);
            }
            if (GIT_SHA1.matcher(etag).matches()) {
                String found = digest(file, "SHA-1", ("blob " + actual + "\0").getBytes(StandardCharsets.US_ASCII));
                return found.equals(etag) ? null : new Mismatch("git blob id", etag, found);
            }
            return null; // an ETag that is no hash: the size is all there is to check
        } catch (IOException e) {
            throw UserError.inFile(file, "cannot read back the download: " + IoErrors.describe(e) + "; check the cache's disk");
        }
    }

    static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + algorithm, e);
        }
        if (prefix != null) digest.update(prefix);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
