package jvit.vit.io;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import jvit.runtime.UserError;
import jvit.runtime.io.AtomicFile;
import jvit.runtime.io.IoErrors;

/**
 * NumPy's {@code .npy} files, the raw tensors that go in and out of the model: {@code \x93NUMPY},
 * a version byte pair, the header's length (2 bytes in version 1.0, 4 in 2.0 and 3.0), a header
 * that is a Python dict literal ({@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}),
 * then the values in C order. Float32 is read as is; float64 and float16 are converted to float32.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy aligns the data to 64 bytes and leaves room in the header for the first axis to grow to 21 digits. */
    private static final int ALIGN = 64;
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final String SAVE_AGAIN = " — save the array again with numpy.save";
    private static final Map<String, FloatFormat> DTYPES = Map.of("<f4", FloatFormat.F32, "<f8", FloatFormat.F64, "<f2", FloatFormat.F16);

    private Npy() {}

    /** Reads a float array into a new segment of {@code arena}. Anything wrong is a one-line {@link UserError}. */
    public static FloatTensor read(Path file, Arena arena) {
        if (Files.isDirectory(file)) throw UserError.inFile(file, "is a folder, not a .npy file; give the file itself");
        try (Arena scratch = Arena.ofConfined(); FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return parse(file, channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), scratch), arena);
        } catch (IOException e) {
            throw UserError.inFile(file, "cannot read: " + IoErrors.describe(e) + "; check the path and its permissions");
        }
    }

    private static FloatTensor parse(Path file, MemorySegment bytes, Arena arena) {
        if (bytes.byteSize() < MAGIC.length + 2 || MemorySegment.ofArray(MAGIC).mismatch(bytes.asSlice(0, MAGIC.length)) != -1) {
            throw UserError.inFile(file, "not a NumPy .npy file (it does not start with \\x93NUMPY); save the array with numpy.save");
        }
        int major = bytes.get(ValueLayout.JAVA_BYTE, 6);
        int minor = bytes.get(ValueLayout.JAVA_BYTE, 7);
        if (major < 1 || major > 3 || minor != 0) {
            throw UserError.inFile(file, ".npy format version " + (major & 0xFF) + "." + (minor & 0xFF)
                    + " is not supported (1.0, 2.0 and 3.0 are)" + SAVE_AGAIN);
        }
        int lengthBytes = major == 1 ? 2 : 4;
        long start = 8 + lengthBytes;
        if (bytes.byteSize() < start) throw UserError.inFile(file, "the file ends inside its header; it is truncated" + SAVE_AGAIN);
        ByteBuffer lengthField = bytes.asSlice(8, lengthBytes).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? Short.toUnsignedInt(lengthField.getShort()) : Integer.toUnsignedLong(lengthField.getInt());
        if (start + headerLength > bytes.byteSize()) {
            throw UserError.inFile(file, "header length " + headerLength + " runs past the end of the " + bytes.byteSize()
                    + "-byte file; it is truncated" + SAVE_AGAIN);
        }
        Header header = header(file, bytes.asSlice(start, headerLength), major);
        long dataStart = start + headerLength;
        long available = bytes.byteSize() - dataStart;
        long needed;
        try {
            needed = Math.multiplyExact(FloatTensor.elements(header.shape), header.format.bytes());
        } catch (ArithmeticException overflow) {
            throw UserError.inFile(file, "shape " + tuple(header.shape) + " is too large" + SAVE_AGAIN);
        }
        if (needed != available) {
            String problem = needed > available ? "; the file is truncated" : ", " + (available - needed)
                    + " bytes more than the shape holds; the file is corrupt";
            throw UserError.inFile(file, "shape " + tuple(header.shape) + " of '" + header.descr + "' needs " + needed
                    + " data bytes but the file has " + available + problem + SAVE_AGAIN);
        }
        MemorySegment data = header.format.toFloat32(bytes.asSlice(dataStart), arena);
        return new FloatTensor(header.shape, data);
    }

    private record Header(String descr, FloatFormat format, long[] shape) {}

    private static Header header(Path file, MemorySegment bytes, int major) {
        String text;
        try {
            // Versions 1 and 2 are latin-1, every byte a character; version 3 allows UTF-8.
            text = major == 3 ? StandardCharsets.UTF_8.newDecoder().decode(bytes.asByteBuffer()).toString()
                    : new String(bytes.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.ISO_8859_1);
        } catch (CharacterCodingException e) {
            throw UserError.inFile(file, "header is not UTF-8 text; the file is corrupt" + SAVE_AGAIN);
        }
        Map<String, Object> dict;
        try {
            dict = new DictParser(text).dict();
        } catch (IllegalArgumentException e) {
            throw UserError.inFile(file, "header is not a valid dict (" + e.getMessage() + "); the file is corrupt" + SAVE_AGAIN);
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) throw UserError.inFile(file, "header has no '" + key + "'; the file is corrupt" + SAVE_AGAIN);
        }
        for (String key : dict.keySet()) {
            if (!List.of("descr", "fortran_order", "shape").contains(key)) {
                throw UserError.inFile(file, "header has an unknown key '" + key + "'; the file is corrupt" + SAVE_AGAIN);
            }
        }
        if (!(dict.get("descr") instanceof String descr) || !DTYPES.containsKey(descr)) {
            throw UserError.inFile(file, "dtype " + dict.get("descr") + " is not supported; jvit reads float32 ('<f4'),"
                    + " float64 ('<f8') and float16 ('<f2') — save x.astype(numpy.float32)");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw UserError.inFile(file, "header's fortran_order is not True or False; the file is corrupt" + SAVE_AGAIN);
        }
        if (fortran) {
            throw UserError.inFile(file, "the array is in Fortran order; save a C-order array: numpy.save(f, numpy.ascontiguousarray(x))");
        }
        if (!(dict.get("shape") instanceof long[] shape)) {
            throw UserError.inFile(file, "header's shape is not a tuple of integers; the file is corrupt" + SAVE_AGAIN);
        }
        return new Header(descr, DTYPES.get(descr), shape);
    }

    /**
     * The Python literals a .npy header holds: a dict of string keys to strings, {@code True},
     * {@code False} and tuples of non-negative integers (Python 2's {@code 3L} included).
     */
    private static final class DictParser {
        private final String text;
        private int pos;

        DictParser(String text) { this.text = text; }

        Map<String, Object> dict() {
            Map<String, Object> dict = new LinkedHashMap<>();
            skipSpace();
            expect('{');
            while (true) {
                skipSpace();
                if (peek() == '}') break;
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                dict.put(key, value());
                skipSpace();
                if (peek() == ',') pos++;
                else if (peek() != '}') throw error("expected ',' or '}'");
            }
            pos++;
            skipSpace();
            if (pos < text.length()) throw error("unexpected text after the dict");
            return dict;
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') return string();
            if (c == '(') return tuple();
            if (text.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            throw error("expected a string, True, False or a tuple");
        }

        private long[] tuple() {
            expect('(');
            List<Long> values = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek() == ')') break;
                values.add(integer());
                skipSpace();
                if (peek() == ',') pos++;
                else if (peek() != ')') throw error("expected ',' or ')'");
            }
            pos++;
            return values.stream().mapToLong(Long::longValue).toArray();
        }

        private long integer() {
            int start = pos;
            while (Character.isDigit(peek())) pos++;
            if (pos == start) throw error("expected a non-negative integer");
            try {
                long value = Long.parseLong(text.substring(start, pos));
                if (peek() == 'L') pos++;
                return value;
            } catch (NumberFormatException e) {
                throw error("integer too large");
            }
        }

        private String string() {
            char quote = peek();
            if (quote != '\'' && quote != '"') throw error("expected a quoted string");
            int end = text.indexOf(quote, pos + 1);
            if (end < 0) throw error("unterminated string");
            String s = text.substring(pos + 1, end);
            pos = end + 1;
            return s;
        }

        private void expect(char c) {
            if (peek() != c) throw error("expected '" + c + "'");
            pos++;
        }

        private char peek() { return pos < text.length() ? text.charAt(pos) : 0; }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
        }

        private IllegalArgumentException error(String problem) {
            return new IllegalArgumentException("column " + (pos + 1) + ": " + problem);
        }
    }

    /**
     * Writes a float32 array as a version 1.0 .npy file, byte for byte as {@code numpy.save} writes it:
     * the header padded with spaces so that the data starts at a multiple of 64 bytes. The file
     * appears whole or not at all ({@link AtomicFile}).
     */
    public static void write(Path file, FloatTensor tensor) {
        AtomicFile.write(file, out -> write(out, tensor));
    }

    /** Writes a float32 array in the .npy format to a stream (standard output, say); the stream is left open. */
    public static void write(OutputStream out, FloatTensor tensor) throws IOException {
        long[] shape = tensor.shape();
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple(shape) + ", }";
        if (shape.length > 0) dict += " ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length());
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int headerLength = dict.length() + 1 + (ALIGN - unpadded % ALIGN);
        byte[] header = ByteBuffer.allocate(MAGIC.length + 4 + headerLength).order(ByteOrder.LITTLE_ENDIAN)
                .put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength)
                .put((dict + " ".repeat(headerLength - dict.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1))
                .array();
        out.write(header);
        FloatFormat.F32.write(out, tensor.data());
    }

    /**
     * Checks an array's shape against the one a model takes, where {@code -1} in {@code expected}
     * allows any size (the batch): {@code input.npy: shape (2, 3, 224, 224) but the model takes (N, 3, 384, 384); ...}.
     */
    public static void requireShape(Path file, long[] shape, long... expected) {
        boolean matches = shape.length == expected.length;
        for (int i = 0; matches && i < shape.length; i++) matches = expected[i] < 0 || expected[i] == shape[i];
        if (!matches) {
            throw UserError.inFile(file, "shape " + tuple(shape) + " but the model takes " + tuple(expected)
                    + "; give an array of that shape");
        }
    }

    /** A shape as Python writes a tuple: {@code ()}, {@code (5,)}, {@code (2, 3)}; -1 is written N. */
    private static String tuple(long[] shape) {
        StringJoiner joiner = new StringJoiner(", ", "(", shape.length == 1 ? ",)" : ")");
        for (long d : shape) joiner.add(d < 0 ? "N" : Long.toString(d));
        return joiner.toString();
    }
}
