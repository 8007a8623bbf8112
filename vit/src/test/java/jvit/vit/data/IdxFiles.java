package jvit.vit.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Small Fashion-MNIST-shaped IDX files for tests, whole or damaged on purpose. */
public final class IdxFiles {
    private IdxFiles() {}

    /** Pixel ({@code x}, {@code y}) of synthetic image {@code i}: every image different, every byte value used. */
    public static int pixel(int i, int y, int x) { return (i * 31 + y * 7 + x * 3) & 0xFF; }

    public static int label(int i) { return i % 10; }

    /** The IDX bytes of {@code count} synthetic 28×28 images. */
    public static byte[] images(int count) {
        ByteBuffer b = header(count * 28 * 28, 0x0803, count, 28, 28);
        for (int i = 0; i < count; i++)
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++) b.put((byte) pixel(i, y, x));
        return b.array();
    }

    /** The IDX bytes of the labels of {@code count} synthetic images. */
    public static byte[] labels(int count) {
        ByteBuffer b = header(count, 0x0801, count);
        for (int i = 0; i < count; i++) b.put((byte) label(i));
        return b.array();
    }

    /** An IDX header with magic {@code magic} and sizes {@code dims}, with room for {@code data} bytes after it. */
    public static ByteBuffer header(int data, int magic, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data).putInt(magic);
        for (int d : dims) b.putInt(d);
        return b;
    }

    /**
     * Writes the {@code split}'s image and label files of {@code count} synthetic images into
     * {@code dir}, gzip'd or plain, and returns {@code dir}.
     */
    public static Path write(Path dir, FashionMnist.Split split, int count, boolean gzip) {
        write(dir, split.prefix() + "-images-idx3-ubyte", images(count), gzip);
        write(dir, split.prefix() + "-labels-idx1-ubyte", labels(count), gzip);
        return dir;
    }

    /** Writes {@code bytes} as {@code dir/name}, or gzip'd as {@code dir/name.gz}; returns the file. */
    public static Path write(Path dir, String name, byte[] bytes, boolean gzip) {
        try {
            Files.createDirectories(dir);
            return Files.write(dir.resolve(gzip ? name + ".gz" : name), gzip ? gzip(bytes) : bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
