package jvit.vit.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import jvit.vit.Python;
import jvit.vit.image.Preprocessing.Interpolation;
import jvit.vit.io.FloatTensor;
import jvit.vit.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessorTest {
    private static final float[] HALF = {0.5f, 0.5f, 0.5f};

    @TempDir
    Path dir;

    private static Uint8Image random(Random random, int width, int height, int channels) {
        Uint8Image image = new Uint8Image(width, height, channels);
        random.nextBytes(image.samples());
        return image;
    }

    private static float[] floats(MemorySegment segment, long from, int n) {
        float[] values = new float[n];
        MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT_UNALIGNED, from * 4, values, 0, n);
        return values;
    }

    @Test
    void fillsABatchImageByImageInChannelMajorOrder() {
        Preprocessing p = new Preprocessing(4, 0.875, Interpolation.BICUBIC, Preprocessing.IMAGENET_MEAN, Preprocessing.IMAGENET_STD);
        Uint8Image first = new Uint8Image(30, 50, 3);
        Uint8Image second = new Uint8Image(7, 5, 3);
        for (int i = 0; i < first.samples().length; i += 3) first.samples()[i + 1] = (byte) 255;
        for (int i = 0; i < second.samples().length; i += 3) second.samples()[i + 2] = 51;
        try (Arena arena = Arena.ofConfined()) {
            long image = 3 * 4 * 4;
            MemorySegment batch = arena.allocate(4 * (2 * image + 1));
            batch.setAtIndex(ValueLayout.JAVA_FLOAT, 2 * image, 42f);
            Preprocessor.apply(first, p, batch, 0);
            Preprocessor.apply(second, p, batch, image);
            float[] m = Preprocessing.IMAGENET_MEAN;
            float[] s = Preprocessing.IMAGENET_STD;
            float[][] expected = {
                    {(0 - m[0]) / s[0], (1 - m[1]) / s[1], (0 - m[2]) / s[2]},
                    {(0 - m[0]) / s[0], (0 - m[1]) / s[1], (51 / 255f - m[2]) / s[2]}};
            for (int i = 0; i < 2; i++) {
                for (int c = 0; c < 3; c++) {
                    float[] plane = floats(batch, i * image + c * 16, 16);
                    for (float v : plane) assertEquals(expected[i][c], v, 1e-6, "image " + i + " channel " + c);
                }
            }
            assertEquals(42f, batch.getAtIndex(ValueLayout.JAVA_FLOAT, 2 * image), "nothing written past the batch");
        }
    }

    @Test
    void cropsTheCenterRoundingHalfToEven() {
        Random random = new Random(3);
        // 224 / 0.875 = 256 = the shorter side: no resizing, only the crop, at round(37 / 2) = 18 (not 19) and 16.
        Uint8Image image = random(random, 261, 256, 3);
        Preprocessing p = new Preprocessing(224, 0.875, Interpolation.BICUBIC, HALF, HALF);
        assertArrayEquals(image.crop(18, 16, 224, 224).samples(), Preprocessor.resizeAndCrop(image, p).samples());
        Uint8Image tall = random(random, 256, 300, 3);
        assertArrayEquals(tall.crop(16, 38, 224, 224).samples(), Preprocessor.resizeAndCrop(tall, p).samples());
    }

    @Test
    void cropPctOneSquashesTheWholeImage() {
        Uint8Image image = random(new Random(4), 40, 20, 3);
        Preprocessing p = Preprocessing.huggingFace(16, 3);
        assertArrayEquals(Resize.resize(image, 16, 16, Interpolation.BILINEAR).samples(), Preprocessor.resizeAndCrop(image, p).samples());
    }

    @Test
    void refusesAnImageOfTheWrongShapeForNormalising() {
        Preprocessing p = Preprocessing.huggingFace(4, 3);
        assertThrows(IllegalArgumentException.class, () -> Preprocessor.normalize(new Uint8Image(4, 4, 1), p, MemorySegment.ofArray(new float[48]), 0));
    }

    @Test
    void matchesPil() throws IOException {
        Python.assumeModules("PIL, numpy");
        // A smooth picture with noise on top, odd sizes: every filter tap and edge case gets used.
        Random random = new Random(11);
        BufferedImage picture = new BufferedImage(97, 61, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 61; y++) {
            for (int x = 0; x < 97; x++) {
                int r = Math.clamp(x * 2 + random.nextInt(40), 0, 255);
                int g = Math.clamp(y * 4 - x + 60 + random.nextInt(40), 0, 255);
                int b = random.nextInt(256);
                picture.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        ImageIO.write(picture, "png", dir.resolve("in.png").toFile());
        List<int[]> sizes = List.of(new int[] {40, 23}, new int[] {200, 150}, new int[] {150, 30}, new int[] {97, 20},
                new int[] {33, 61}, new int[] {5, 3});
        Python.check(dir, """
                import math
                import numpy as np
                from PIL import Image
                im = Image.open('in.png').convert('RGB')
                def save(name, img):
                    np.save(name, np.asarray(img, dtype=np.float32))
                for name, f in [('BILINEAR', Image.BILINEAR), ('BICUBIC', Image.BICUBIC)]:
                    for w, h in [%s]:
                        save('%%s_%%dx%%d.npy' %% (name, w, h), im.resize((w, h), f))
                save('grey.npy', im.convert('L').resize((30, 20), Image.BICUBIC))
                # timm's eval transform: Resize(floor(size / crop_pct)) of the shorter side, CenterCrop, ToTensor, Normalize.
                size = 32
                scale = math.floor(size / 0.875)
                w, h = im.size
                nw, nh = (scale, int(scale * h / w)) if w <= h else (int(scale * w / h), scale)
                r = im.resize((nw, nh), Image.BICUBIC)
                left, top = int(round((nw - size) / 2.0)), int(round((nh - size) / 2.0))
                x = np.asarray(r.crop((left, top, left + size, top + size)), dtype=np.float32).transpose(2, 0, 1) / np.float32(255)
                mean = np.array([0.485, 0.456, 0.406], dtype=np.float32)[:, None, None]
                std = np.array([0.229, 0.224, 0.225], dtype=np.float32)[:, None, None]
                np.save('timm.npy', (x - mean) / std)
                # Hugging Face's ViTImageProcessor: bilinear to the square, rescale, normalise with 0.5.
                x = np.asarray(im.resize((size, size), Image.BILINEAR), dtype=np.float32).transpose(2, 0, 1) / np.float32(255)
                np.save('hf.npy', (x - np.float32(0.5)) / np.float32(0.5))
                """.formatted(String.join(", ", sizes.stream().map(s -> "(" + s[0] + ", " + s[1] + ")").toList())));
        Uint8Image rgb = Images.decode(dir.resolve("in.png"), 3);
        try (Arena arena = Arena.ofConfined()) {
            for (Interpolation interpolation : Interpolation.values()) {
                for (int[] s : sizes) {
                    String name = interpolation + "_" + s[0] + "x" + s[1];
                    Uint8Image ours = Resize.resize(rgb, s[0], s[1], interpolation);
                    assertArrayEquals(Npy.read(dir.resolve(name + ".npy"), arena).toArray(), asFloats(ours), name);
                }
            }
            Uint8Image grey = Resize.resize(Images.decode(dir.resolve("in.png"), 1), 30, 20, Interpolation.BICUBIC);
            assertArrayEquals(Npy.read(dir.resolve("grey.npy"), arena).toArray(), asFloats(grey), "grey");

            for (var c : List.of(
                    new Object[] {"timm", new Preprocessing(32, 0.875, Interpolation.BICUBIC, Preprocessing.IMAGENET_MEAN, Preprocessing.IMAGENET_STD)},
                    new Object[] {"hf", Preprocessing.huggingFace(32, 3)})) {
                FloatTensor expected = Npy.read(dir.resolve(c[0] + ".npy"), arena);
                MemorySegment ours = arena.allocate(expected.data().byteSize());
                Preprocessor.apply(dir.resolve("in.png"), (Preprocessing) c[1], ours, 0);
                assertArrayEquals(expected.toArray(), floats(ours, 0, (int) expected.elements()), 1e-6f, (String) c[0]);
            }
        }
    }

    private static float[] asFloats(Uint8Image image) {
        float[] values = new float[image.samples().length];
        for (int i = 0; i < values.length; i++) values[i] = image.samples()[i] & 0xFF;
        return values;
    }
}
