package jvit.vit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import jvit.runtime.UserError;
import jvit.vit.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    private static final String SAVE_AGAIN = " — save the array again with numpy.save";

    @TempDir
    Path dir;

    private static FloatTensor read(Path file) {
        return Npy.read(file, Arena.ofAuto());
    }

    private static String problem(Path file, Runnable action) {
        String message = assertThrows(UserError.class, action::run).getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        assertFalse(message.contains("\n"), message);
        return message.substring(file.toString().length() + 2);
    }

    /** A .npy file made by hand: version 1.0, the header text as given, then {@code dataBytes} zero bytes. */
    private Path craft(String header, int dataBytes) throws IOException {
        return craft(1, header.getBytes(StandardCharsets.ISO_8859_1), new byte[dataBytes]);
    }

    private Path craft(int major, byte[] header, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        ByteBuffer length = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) length.putShort((short) header.length);
        else length.putInt(header.length);
        out.write(length.array());
        out.write(header);
        out.write(data);
        Path file = dir.resolve("input.npy");
        Files.write(file, out.toByteArray());
        return file;
    }

    @Test
    void roundTripsEveryRank() {
        for (long[] shape : List.of(new long[] {}, new long[] {5}, new long[] {2, 3}, new long[] {1, 3, 4, 4}, new long[] {0, 3})) {
            float[] values = new float[(int) FloatTensor.elements(shape)];
            for (int i = 0; i < values.length; i++) values[i] = i * 0.25f - 1;
            Path file = dir.resolve("t" + shape.length + ".npy");
            Npy.write(file, FloatTensor.of(values, shape));
            FloatTensor back = read(file);
            assertArrayEquals(shape, back.shape());
            assertArrayEquals(values, back.toArray());
            assertEquals(0, (file.toFile().length() - values.length * 4L) % 64, "data starts at a multiple of 64");
        }
    }

    @Test
    void readsVersions2And3AndConvertsOtherFloats() throws IOException {
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n";
        byte[] doubles = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-3).array();
        assertArrayEquals(new float[] {0.1f, -3}, read(craft(2, header.getBytes(StandardCharsets.ISO_8859_1), doubles)).toArray());
        String halves = "{\"descr\": \"<f2\", \"fortran_order\": False, \"shape\": (1L, 2L)}  \n";
        byte[] data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3C00).putShort((short) 0xB800).array();
        FloatTensor t = read(craft(3, halves.getBytes(StandardCharsets.UTF_8), data));
        assertArrayEquals(new long[] {1, 2}, t.shape());
        assertArrayEquals(new float[] {1, -0.5f}, t.toArray());
    }

    @Test
    void matchesNumpyBothWays() throws IOException {
        Python.assumeModules("numpy");
        Npy.write(dir.resolve("ours.npy"), FloatTensor.of(new float[] {1.5f, -2, 3, 0.1f, 5, 6}, 2, 3));
        Python.check(dir, """
                import numpy as np
                from numpy.lib import format as f
                a = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7
                np.save('f4.npy', a)
                np.save('f8.npy', a.astype(np.float64))
                np.save('f2.npy', a.astype(np.float16))
                np.save('scalar.npy', np.float32(2.5))
                np.save('vector.npy', np.array([1, 2, 3], dtype=np.float32))
                np.save('ours_again.npy', np.array([1.5, -2, 3, 0.1, 5, 6], dtype=np.float32).reshape(2, 3))
                for v in [(2, 0), (3, 0)]:
                    with open('v%d.npy' % v[0], 'wb') as out:
                        f.write_array(out, a, version=v)
                ours = np.load('ours.npy')
                assert ours.dtype == np.float32 and ours.shape == (2, 3), ours
                assert (ours == np.array([1.5, -2, 3, 0.1, 5, 6], dtype=np.float32).reshape(2, 3)).all()
                """);
        float[] expected = new float[24];
        for (int i = 0; i < 24; i++) expected[i] = i / 7f;
        for (String name : List.of("f4", "f8", "v2", "v3")) {
            FloatTensor t = read(dir.resolve(name + ".npy"));
            assertArrayEquals(new long[] {2, 3, 4}, t.shape(), name);
            assertArrayEquals(expected, t.toArray(), name);
        }
        float[] halves = read(dir.resolve("f2.npy")).toArray();
        for (int i = 0; i < 24; i++) assertEquals(expected[i], halves[i], expected[i] * 0x1p-11, "float16 " + i);
        FloatTensor scalar = read(dir.resolve("scalar.npy"));
        assertArrayEquals(new long[] {}, scalar.shape());
        assertArrayEquals(new float[] {2.5f}, scalar.toArray());
        assertArrayEquals(new long[] {3}, read(dir.resolve("vector.npy")).shape());
        assertArrayEquals(Files.readAllBytes(dir.resolve("ours_again.npy")), Files.readAllBytes(dir.resolve("ours.npy")),
                "the same bytes as numpy.save");
    }

    @Test
    void refusesFilesThatAreNotNpy() throws IOException {
        Path file = dir.resolve("input.npy");
        Files.writeString(file, "PK\3\4 this is a zip");
        assertEquals("not a NumPy .npy file (it does not start with \\x93NUMPY); save the array with numpy.save",
                problem(file, () -> read(file)));
        Files.write(file, new byte[0]);
        assertEquals("not a NumPy .npy file (it does not start with \\x93NUMPY); save the array with numpy.save",
                problem(file, () -> read(file)));
        Files.write(file, new byte[] {(byte) 0x93, 'N', 'U', 'M'});
        assertEquals("not a NumPy .npy file (it does not start with \\x93NUMPY); save the array with numpy.save",
                problem(file, () -> read(file)));
        Files.write(file, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 4, 0, 0, 0, 0, 0});
        assertEquals(".npy format version 4.0 is not supported (1.0, 2.0 and 3.0 are)" + SAVE_AGAIN, problem(file, () -> read(file)));
        Files.write(file, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 1});
        assertEquals("the file ends inside its header; it is truncated" + SAVE_AGAIN, problem(file, () -> read(file)));
        Files.write(file, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 100, 0, '{'});
        assertEquals("header length 100 runs past the end of the 11-byte file; it is truncated" + SAVE_AGAIN,
                problem(file, () -> read(file)));
        Path missing = dir.resolve("missing.npy");
        assertEquals("cannot read: no such file or folder; check the path and its permissions", problem(missing, () -> read(missing)));
        assertEquals("is a folder, not a .npy file; give the file itself", problem(dir, () -> read(dir)));
    }

    @Test
    void refusesBadHeaders() throws IOException {
        String ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n";
        assertEquals(6, read(craft(ok, 24)).elements());
        String[][] cases = {
                {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3) ", "header is not a valid dict (column 59: expected ',' or '}'); the file is corrupt" + SAVE_AGAIN},
                {"{'descr': '<f4' 'fortran_order': False, 'shape': (2, 3)}", "header is not a valid dict (column 17: expected ',' or '}'); the file is corrupt" + SAVE_AGAIN},
                {"{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]}", "header is not a valid dict (column 51: expected a string, True, False or a tuple); the file is corrupt" + SAVE_AGAIN},
                {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3)}", "header is not a valid dict (column 55: expected a non-negative integer); the file is corrupt" + SAVE_AGAIN},
                {"{'descr': '<f4', 'fortran_order': False}", "header has no 'shape'; the file is corrupt" + SAVE_AGAIN},
                {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': True}", "header has an unknown key 'x'; the file is corrupt" + SAVE_AGAIN},
                {"{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3)}", "dtype <i8 is not supported; jvit reads float32 ('<f4'), float64 ('<f8') and float16 ('<f2') — save x.astype(numpy.float32)"},
                {"{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3)}", "dtype >f4 is not supported; jvit reads float32 ('<f4'), float64 ('<f8') and float16 ('<f2') — save x.astype(numpy.float32)"},
                {"{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3)}", "the array is in Fortran order; save a C-order array: numpy.save(f, numpy.ascontiguousarray(x))"},
                {"{'descr': '<f4', 'fortran_order': 'no', 'shape': (2, 3)}", "header's fortran_order is not True or False; the file is corrupt" + SAVE_AGAIN},
                {"{'descr': '<f4', 'fortran_order': False, 'shape': 'big'}", "header's shape is not a tuple of integers; the file is corrupt" + SAVE_AGAIN},
        };
        for (String[] c : cases) {
            Path file = craft(c[0] + "\n", 24);
            assertEquals(c[1], problem(file, () -> read(file)), c[0]);
        }
    }

    @Test
    void refusesDataOfTheWrongSize() throws IOException {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n";
        Path truncated = craft(header, 20);
        assertEquals("shape (2, 3) of '<f4' needs 24 data bytes but the file has 20; the file is truncated" + SAVE_AGAIN,
                problem(truncated, () -> read(truncated)));
        Path tooLong = craft(header, 28);
        assertEquals("shape (2, 3) of '<f4' needs 24 data bytes but the file has 28, 4 bytes more than the shape holds;"
                + " the file is corrupt" + SAVE_AGAIN, problem(tooLong, () -> read(tooLong)));
        Path huge = craft("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }\n", 0);
        assertEquals("shape (4611686018427387904, 4) is too large" + SAVE_AGAIN, problem(huge, () -> read(huge)));
    }

    @Test
    void checksShapesAgainstTheModel() {
        Path file = Path.of("input.npy");
        Npy.requireShape(file, new long[] {2, 3, 224, 224}, -1, 3, 224, 224);
        assertEquals("input.npy: shape (2, 3, 224, 224) but the model takes (N, 3, 384, 384); give an array of that shape",
                assertThrows(UserError.class, () -> Npy.requireShape(file, new long[] {2, 3, 224, 224}, -1, 3, 384, 384)).getMessage());
        assertEquals("input.npy: shape (5,) but the model takes (N, 1, 28, 28); give an array of that shape",
                assertThrows(UserError.class, () -> Npy.requireShape(file, new long[] {5}, -1, 1, 28, 28)).getMessage());
    }

    @Test
    void aFailedWriteLeavesNoFile() throws IOException {
        Path target = dir.resolve("missing").resolve("out.npy");
        assertEquals("cannot write: no such file or folder; check that the folder exists, is writable and has room",
                problem(target, () -> Npy.write(target, FloatTensor.of(new float[] {1}, 1))));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }
}
