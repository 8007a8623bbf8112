package jvit.vit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import jvit.runtime.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafetensorsTest {
    private static final String CORRUPT = "; the file is truncated or corrupt — download or export it again";

    @TempDir
    Path dir;

    /** A safetensors file made by hand: the header's length, the header, then {@code data}. */
    private Path craft(String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(json.length).put(json).put(data);
        Path file = dir.resolve("model.safetensors");
        Files.write(file, bytes.array());
        return file;
    }

    private Path craft(String header, int dataBytes) throws IOException {
        return craft(header, new byte[dataBytes]);
    }

    private static String problem(Path file, Runnable action) {
        String message = assertThrows(UserError.class, action::run).getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        assertFalse(message.contains("\n"), message);
        return message.substring(file.toString().length() + 2);
    }

    private static String openProblem(Path file) {
        return problem(file, () -> Safetensors.open(file).close());
    }

    @Test
    void readsF32WithoutCopying() throws IOException {
        Path file = dir.resolve("w.safetensors");
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        tensors.put("b", FloatTensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("a", FloatTensor.of(new float[] {-0.5f}, 1));
        tensors.put("scalar", FloatTensor.of(new float[] {7}));
        tensors.put("empty", FloatTensor.of(new float[0], 0, 4));
        Safetensors.write(file, tensors, Map.of("format", "pt"));
        try (Safetensors st = Safetensors.open(file)) {
            assertEquals(List.of("b", "a", "scalar", "empty"), st.names());
            assertEquals(Map.of("format", "pt"), st.metadata());
            assertArrayEquals(new long[] {2, 3}, st.shape("b"));
            assertArrayEquals(new long[] {}, st.shape("scalar"));
            assertEquals("F32", st.dtype("a"));
            MemorySegment b = st.floats("b");
            assertTrue(b.isMapped(), "F32 is a slice of the mapping");
            assertEquals(0, b.address() % 4, "the padded header keeps F32 data aligned");
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, st.tensor("b").toArray());
            assertArrayEquals(new float[] {-0.5f}, st.tensor("a").toArray());
            assertArrayEquals(new float[] {7}, st.tensor("scalar").toArray());
            assertEquals(0, st.floats("empty").byteSize());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void writesTheReferenceLayout() throws IOException {
        Path file = dir.resolve("w.safetensors");
        Safetensors.write(file, Map.of("a", FloatTensor.of(new float[] {1, 2}, 2)), Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(file);
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        int padded = json.length() + (8 - json.length() % 8) % 8;
        ByteBuffer expected = ByteBuffer.allocate(8 + padded + 8).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(padded).put((json + " ".repeat(padded - json.length())).getBytes(StandardCharsets.US_ASCII));
        expected.putFloat(1).putFloat(2);
        assertArrayEquals(expected.array(), bytes);
    }

    @Test
    void readsUnalignedData() throws IOException {
        // A 13-byte header puts the data at byte 21 of the file: no float in it is 4-byte aligned.
        String header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[1,13]}}";
        header = header.substring(0, header.length() - 1) + "   }";
        ByteBuffer data = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
        data.put((byte) 0).putFloat(1.5f).putFloat(-2.25f).putFloat(1e-30f);
        Path file = craft(header, data.array());
        try (Safetensors st = Safetensors.open(file)) {
            MemorySegment x = st.floats("x");
            assertTrue(x.isMapped());
            assertTrue(x.address() % 4 != 0, "the test must exercise unaligned data");
            assertArrayEquals(new float[] {1.5f, -2.25f, 1e-30f}, st.tensor("x").toArray());
        }
    }

    @Test
    void convertsHalfAndBfloat16AndDoubleOnce() throws IOException {
        // Bit patterns from the formats' definitions: 1.0, -2.0 and 1/3 rounded to nearest even.
        ByteBuffer data = ByteBuffer.allocate(6 + 6 + 16).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x3555);
        data.putShort((short) 0x3F80).putShort((short) 0xC000).putShort((short) 0x3EAB);
        data.putDouble(1.0 / 3).putDouble(-1e300);
        Path file = craft("{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[6,12]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[12,28]}}", data.array());
        try (Safetensors st = Safetensors.open(file)) {
            assertArrayEquals(new float[] {1, -2, 0.333251953125f}, st.tensor("h").toArray());
            assertArrayEquals(new float[] {1, -2, 0.333984375f}, st.tensor("b").toArray());
            assertArrayEquals(new float[] {1f / 3, Float.NEGATIVE_INFINITY}, st.tensor("d").toArray());
            assertSame(st.floats("h"), st.floats("h"), "converted once, then cached");
            assertFalse(st.floats("h").isMapped());
        }
    }

    @Test
    void writesHalfAndBfloat16WithinTheirPrecision() throws IOException {
        Random random = new Random(7);
        float[] values = new float[1000];
        for (int i = 0; i < values.length; i++) values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(5) - 2));
        values[0] = 1f / 3;
        for (FloatFormat format : List.of(FloatFormat.F16, FloatFormat.BF16)) {
            Path file = dir.resolve(format + ".safetensors");
            Safetensors.write(file, Map.of("v", FloatTensor.of(values, 10, 100)), Map.of(), format);
            // Round to nearest: half a unit in the last place, 2^-11 relative for F16's 10 bits, 2^-8 for BF16's 7.
            double bound = format == FloatFormat.F16 ? 0x1p-11 : 0x1p-8;
            try (Safetensors st = Safetensors.open(file)) {
                assertEquals(format.name(), st.dtype("v"));
                assertEquals(Map.of(), st.metadata());
                float[] back = st.tensor("v").toArray();
                for (int i = 0; i < values.length; i++) {
                    // Below F16's normal range (6.1e-5) the spacing is absolute: 2^-24.
                    double allowed = Math.max(Math.abs(values[i]) * bound, format == FloatFormat.F16 ? 0x1p-25 : 0);
                    assertTrue(Math.abs(back[i] - values[i]) <= allowed, format + " value " + values[i] + " came back as " + back[i]);
                }
                assertEquals(format == FloatFormat.F16 ? 0.333251953125f : 0.333984375f, back[0]);
            }
        }
    }

    @Test
    void aCallersArenaOutlivesTheReader() throws IOException {
        Path file = dir.resolve("w.safetensors");
        Safetensors.write(file, Map.of("a", FloatTensor.of(new float[] {3, 4}, 2)), Map.of());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a;
            try (Safetensors st = Safetensors.open(file, arena)) {
                a = st.floats("a");
            }
            assertArrayEquals(new float[] {3, 4}, new FloatTensor(new long[] {2}, a).toArray());
        }
    }

    @Test
    void refusesFilesTooShortOrWithABadHeaderLength() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.write(file, new byte[5]);
        assertEquals("the file is 5 bytes, too short for a safetensors header" + CORRUPT, openProblem(file));

        Files.write(file, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertEquals("header length 1099511627776 is absurd (over 100000000 bytes); the file is corrupt or not safetensors"
                + " — download or export it again", openProblem(file));

        Files.write(file, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
        assertTrue(openProblem(file).startsWith("header length 18446744073709551615 is absurd"));

        Files.write(file, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(9).array());
        assertEquals("header length 9 runs past the end of the 16-byte file" + CORRUPT, openProblem(file));
    }

    @Test
    void refusesHeadersThatAreNotAJsonObject() throws IOException {
        assertEquals("header is not valid JSON (at 1:2: Unexpected character ('x' (code 120)): was expecting double-quote to start property name)" + CORRUPT,
                openProblem(craft("{x", 0)));
        assertEquals("header is [1,2], not a JSON object" + CORRUPT, openProblem(craft("[1, 2]", 0)));
        Path file = dir.resolve("model.safetensors");
        Files.write(file, new byte[] {2, 0, 0, 0, 0, 0, 0, 0, '"', (byte) 0xFF});
        assertEquals("header is not UTF-8 text; the file is corrupt or not safetensors — download or export it again",
                openProblem(file));
        assertEquals("__metadata__ entry 'n' is 1, not a string" + CORRUPT,
                openProblem(craft("{\"__metadata__\": {\"n\": 1}}", 0)));
        assertEquals("__metadata__ is [], not an object of strings" + CORRUPT,
                openProblem(craft("{\"__metadata__\": []}", 0)));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"x\": 3}                                                        | tensor 'x' is 3, not an object",
            "{\"x\": {\"shape\": [2], \"data_offsets\": [0, 8]}}               | tensor 'x' has no \"dtype\"",
            "{\"x\": {\"dtype\": \"F32\", \"data_offsets\": [0, 8]}}           | tensor 'x' has no \"shape\"",
            "{\"x\": {\"dtype\": \"F32\", \"shape\": [2]}}                     | tensor 'x' has no \"data_offsets\"",
            "{\"x\": {\"dtype\": 1, \"shape\": [2], \"data_offsets\": [0, 8]}} | tensor 'x' has dtype 1, not a string",
            "{\"x\": {\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}}  | tensor 'x' has shape [-2], not a list of non-negative integers",
            "{\"x\": {\"dtype\": \"F32\", \"shape\": [2.0], \"data_offsets\": [0, 8]}} | tensor 'x' has shape [2.0], not a list of non-negative integers",
            "{\"x\": {\"dtype\": \"F32\", \"shape\": 2, \"data_offsets\": [0, 8]}}     | tensor 'x' has shape 2, not a list of non-negative integers",
            "{\"x\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8, 9]}} | tensor 'x' has data_offsets [0,8,9], not [begin, end] with non-negative integers",
            "{\"x\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [-1, 8]}}  | tensor 'x' has data_offsets [-1,8], not [begin, end] with non-negative integers",
            "{\"x\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 0]}}   | tensor 'x' has data_offsets [8, 0] that end before they begin",
            "{\"x\": {\"dtype\": \"F32\", \"shape\": [10], \"data_offsets\": [0, 40]}} | tensor 'x' data_offsets [0, 40] overrun the file's 32 data bytes",
            "{\"x\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 20]}} | tensor 'x' has shape [2, 3] and dtype F32, so 24 bytes, but data_offsets [0, 20] hold 20",
            "{\"x\": {\"dtype\": \"BF16\", \"shape\": [4611686018427387904, 4], \"data_offsets\": [0, 8]}} | tensor 'x' has shape [4611686018427387904, 4] and dtype BF16, so more than 2^63 bytes, but data_offsets [0, 8] hold 8",
            "{\"x\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}, \"y\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [12, 20]}} | tensors 'x' [0, 16] and 'y' [12, 20] overlap",
    })
    void refusesCorruptTensorEntries(String header, String problem) throws IOException {
        assertEquals(problem + CORRUPT, openProblem(craft(header, 32)));
    }

    @Test
    void namesTheTensorAndTheSupportedDtypes() throws IOException {
        assertEquals("tensor 'x' has unknown dtype 'Q4'; jvit reads F32, F16, BF16 and F64 — convert the weights to one of them",
                openProblem(craft("{\"x\": {\"dtype\": \"Q4\", \"shape\": [2], \"data_offsets\": [0, 1]}}", 8)));
        // Integer buffers (HF's position_ids) may sit beside the weights: the file opens, only reading them as floats fails.
        Path file = craft("{\"position_ids\": {\"dtype\": \"I64\", \"shape\": [1, 3], \"data_offsets\": [0, 24]}}", 24);
        try (Safetensors st = Safetensors.open(file)) {
            assertEquals("I64", st.dtype("position_ids"));
            assertEquals("tensor 'position_ids' has dtype I64, which jvit cannot use as weights; it reads F32, F16, BF16 and F64"
                    + " — convert the weights to one of them", problem(file, () -> st.floats("position_ids")));
            assertEquals("has no tensor 'head.weight' (it has 1 tensors, e.g. 'position_ids'); check that these weights are"
                    + " for this model", problem(file, () -> st.floats("head.weight")));
        }
    }

    @Test
    void namesMissingFilesAndFolders() {
        Path missing = dir.resolve("nope.safetensors");
        assertEquals("cannot read: no such file or folder; check the path and its permissions", openProblem(missing));
        assertEquals("is a folder, not a safetensors file; give the .safetensors file in it", openProblem(dir));
    }

    @Test
    void aFailedWriteLeavesNothingBehind() throws IOException {
        Path target = dir.resolve("no-such-folder").resolve("w.safetensors");
        assertEquals("cannot write: no such file or folder; check that the folder exists, is writable and has room",
                problem(target, () -> Safetensors.write(target, Map.of(), Map.of())));

        Path file = dir.resolve("w.safetensors");
        Files.writeString(file, "old");
        // The data's arena is closed before the write gets to it: the write fails half-way.
        FloatTensor gone;
        try (Arena arena = Arena.ofConfined()) {
            gone = new FloatTensor(new long[] {1}, arena.allocate(4));
        }
        assertThrows(IllegalStateException.class, () -> Safetensors.write(file, Map.of("x", gone), Map.of()));
        assertEquals("old", Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }
}
