package jvit.vit.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import jvit.runtime.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {
    @TempDir
    Path dir;

    private Path save(BufferedImage image, String name) throws IOException {
        Path file = dir.resolve(name);
        String format = name.substring(name.lastIndexOf('.') + 1);
        assertTrue(ImageIO.write(image, format, file.toFile()), "no writer for " + format);
        return file;
    }

    private static int[] pixel(Uint8Image image, int x, int y) {
        int[] p = new int[image.channels()];
        for (int c = 0; c < p.length; c++) p[c] = image.get(x, y, c);
        return p;
    }

    private static String problem(Path file, Runnable action) {
        String message = assertThrows(UserError.class, action::run).getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        assertFalse(message.contains("\n"), message);
        return message.substring(file.toString().length() + 2);
    }

    @Test
    void decodesRgbExactlyAndToGreyAsPilDoes() throws IOException {
        BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xFF0000);
        image.setRGB(1, 0, 0x00FF00);
        image.setRGB(2, 0, 0x0000FF);
        image.setRGB(3, 0, 0x0A141E);
        Path png = save(image, "rgb.png");
        Uint8Image rgb = Images.decode(png, 3);
        assertArrayEquals(new int[] {255, 0, 0}, pixel(rgb, 0, 0));
        assertArrayEquals(new int[] {10, 20, 30}, pixel(rgb, 3, 0));
        // PIL's convert('L') of pure red, green and blue; and 10*.299 + 20*.587 + 30*.114 = 18.13.
        Uint8Image grey = Images.decode(png, 1);
        assertArrayEquals(new int[] {76, 150, 29, 18}, new int[] {grey.get(0, 0, 0), grey.get(1, 0, 0), grey.get(2, 0, 0), grey.get(3, 0, 0)});
    }

    @Test
    void repeatsGreyIntoRgbWithoutAGammaCurve() throws IOException {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(0, 0, 0, 100);
        image.getRaster().setSample(1, 0, 0, 7);
        Uint8Image rgb = Images.decode(save(image, "grey.png"), 3);
        assertArrayEquals(new int[] {100, 100, 100}, pixel(rgb, 0, 0));
        assertArrayEquals(new int[] {7, 7, 7}, pixel(rgb, 1, 0));
        assertArrayEquals(new int[] {100}, pixel(Images.decode(dir.resolve("grey.png"), 1), 0, 0));

        BufferedImage deep = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setSample(0, 0, 0, 65535);
        assertArrayEquals(new int[] {255}, pixel(Images.decode(save(deep, "grey16.png"), 1), 0, 0));
    }

    @Test
    void dropsAlpha() throws IOException {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x000A141E);
        image.setRGB(1, 0, 0x80FFFFFF);
        Uint8Image rgb = Images.decode(save(image, "alpha.png"), 3);
        assertArrayEquals(new int[] {10, 20, 30}, pixel(rgb, 0, 0));
        assertArrayEquals(new int[] {255, 255, 255}, pixel(rgb, 1, 0));
    }

    @Test
    void decodesJpegBmpAndGif() throws IOException {
        BufferedImage image = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 16; x++) image.setRGB(x, y, 0x4080C0);
        for (String name : List.of("a.jpg", "a.bmp", "a.gif")) {
            Uint8Image decoded = Images.decode(save(image, name), 3);
            assertEquals(16, decoded.width(), name);
            assertEquals(8, decoded.height(), name);
            int[] p = pixel(decoded, 5, 5);
            // JPEG is lossy, GIF's palette exact for one colour.
            for (int c = 0; c < 3; c++) assertEquals(new int[] {0x40, 0x80, 0xC0}[c], p[c], 3, name + " " + Arrays.toString(p));
        }
    }

    @Test
    void namesFilesThatAreNotImages() throws IOException {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not an image");
        assertEquals("is not an image jvit can read; give a PNG, JPEG, BMP or GIF file", problem(text, () -> Images.decode(text, 3)));

        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) image.setRGB(x, y, x * 0x10101 + y * 0x30507);
        Path png = save(image, "cut.png");
        byte[] bytes = Files.readAllBytes(png);
        Files.write(png, Arrays.copyOf(bytes, bytes.length / 2));
        assertTrue(problem(png, () -> Images.decode(png, 3)).startsWith("cannot be decoded ("));

        Path missing = dir.resolve("missing.jpg");
        assertEquals("no such file; check the path", problem(missing, () -> Images.decode(missing, 3)));
        assertEquals("is a folder, not an image; give the image files in it", problem(dir, () -> Images.decode(dir, 3)));
    }

    @Test
    void listsTheImagesInFoldersSortedByName() throws IOException {
        BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Path photos = Files.createDirectory(dir.resolve("photos"));
        for (String name : List.of("b.png", "a.JPG", "c.gif", "10.bmp")) ImageIO.write(image, "png", photos.resolve(name).toFile());
        Files.writeString(photos.resolve("readme.txt"), "x");
        Files.createDirectory(photos.resolve("sub.png"));
        Path single = save(image, "single.png");
        assertEquals(List.of(single, photos.resolve("10.bmp"), photos.resolve("a.JPG"), photos.resolve("b.png"), photos.resolve("c.gif")),
                Images.list(List.of(single, photos)));

        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertEquals("has no image files (.png, .jpg, .jpeg, .bmp, .gif); give a folder with images in it",
                problem(empty, () -> Images.list(List.of(empty))));
        Path missing = dir.resolve("nowhere");
        assertEquals("no such file or folder; check the path", problem(missing, () -> Images.list(List.of(missing))));
    }
}
