package jvit.vit.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import jvit.runtime.UserError;
import jvit.runtime.io.IoErrors;

/**
 * The IDX files MNIST and Fashion-MNIST come in: a big-endian magic number {@code 0x0000TTDD}
 * (T the element type, 0x08 for unsigned bytes; D the number of dimensions), one 32-bit size per
 * dimension, then the elements in row-major order and nothing after them. Read plain or gzip'd,
 * told apart by their first bytes (an IDX file starts with two zero bytes, gzip with 1f 8b).
 */
final class Idx {
    /** Unsigned bytes, the only element type the datasets use. */
    private static final int UBYTE = 0x08;

    /** An IDX array of unsigned bytes: its sizes and its elements. */
    record Array(int[] dims, byte[] data) {}

    private Idx() {}

    /**
     * Reads an unsigned-byte array with {@code dimensions} dimensions. A wrong magic number, a
     * size that does not match the data (truncated or trailing bytes) or an unreadable file is a
     * {@link UserError} naming the file; {@code advice} ends the message, saying how to get good files.
     */
    static Array read(Path file, int dimensions, String advice) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream in = new DataInputStream(gzipped(raw) ? new BufferedInputStream(new GZIPInputStream(raw), 1 << 16) : raw);
            int expectedMagic = UBYTE << 8 | dimensions;
            int magic = in.readInt();
            if (magic != expectedMagic) {
                throw UserError.inFile(file, "magic number " + magic + " is not " + expectedMagic + " (unsigned bytes, " + dimensions
                        + " dimensions), so this is not the IDX file expected; " + advice);
            }
            int[] dims = new int[dimensions];
            long elements = 1;
            for (int d = 0; d < dimensions; d++) {
                dims[d] = in.readInt();
                if (dims[d] < 0) throw UserError.inFile(file, "negative size " + dims[d] + " in the header; the file is corrupt; " + advice);
                elements *= dims[d];
                // Checked at each step: below 2^31 before, the product of two such sizes cannot overflow a long.
                if (elements > Integer.MAX_VALUE - 8) {
                    throw UserError.inFile(file, "header sizes " + Arrays.toString(dims) + " are too large; the file is corrupt; " + advice);
                }
            }
            byte[] data = in.readNBytes((int) elements);
            if (data.length < elements) {
                throw UserError.inFile(file, "sizes " + Arrays.toString(dims) + " need " + elements + " bytes of data but the file has "
                        + data.length + "; it is truncated; " + advice);
            }
            if (in.read() != -1) {
                throw UserError.inFile(file, "has data after the " + elements + " bytes its sizes " + Arrays.toString(dims)
                        + " hold; the file is corrupt; " + advice);
            }
            return new Array(dims, data);
        } catch (EOFException e) {
            throw UserError.inFile(file, "ends early; it is truncated; " + advice);
        } catch (ZipException e) {
            throw UserError.inFile(file, "is not valid gzip (" + e.getMessage() + "); the file is corrupt; " + advice);
        } catch (IOException e) {
            throw UserError.inFile(file, "cannot read: " + IoErrors.describe(e) + "; " + advice);
        }
    }

    private static boolean gzipped(InputStream in) throws IOException {
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip;
    }
}
