package jvit.vit.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import jvit.vit.image.Preprocessing.Interpolation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expectations worked out by hand from PIL's definition of resampling, independent of the code. */
class ResizeTest {
    private static Uint8Image grey(int width, int height, int... values) {
        Uint8Image image = new Uint8Image(width, height, 1);
        for (int i = 0; i < values.length; i++) image.samples()[i] = (byte) values[i];
        return image;
    }

    private static int[] values(Uint8Image image) {
        int[] values = new int[image.samples().length];
        for (int i = 0; i < values.length; i++) values[i] = image.samples()[i] & 0xFF;
        return values;
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({"BILINEAR, 5, 3", "BILINEAR, 40, 17", "BICUBIC, 5, 3", "BICUBIC, 40, 17", "BICUBIC, 13, 13", "BILINEAR, 1, 1"})
    void aConstantImageStaysConstant(Interpolation interpolation, int width, int height) {
        Uint8Image image = new Uint8Image(13, 11, 3);
        for (int i = 0; i < image.samples().length; i += 3) {
            image.samples()[i] = (byte) 200;
            image.samples()[i + 1] = 7;
            image.samples()[i + 2] = (byte) 255;
        }
        Uint8Image out = Resize.resize(image, width, height, interpolation);
        assertEquals(width, out.width());
        assertEquals(height, out.height());
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                assertArrayEquals(new int[] {200, 7, 255}, new int[] {out.get(x, y, 0), out.get(x, y, 1), out.get(x, y, 2)});
            }
        }
    }

    @Test
    void halvingWithBilinearIsTheAntialiasedOneThreeThreeOneFilter() {
        // Scale 2 stretches the triangle to support 2: interior outputs weigh inputs 2i-1 .. 2i+2 by 1, 3, 3, 1 (/8);
        // at the edges the missing input drops out and the rest renormalise to 3, 3, 1 (/7) and 1, 3, 3 (/7).
        Uint8Image row = grey(8, 1, 10, 50, 90, 130, 170, 210, 250, 30);
        int o0 = Math.round((3 * 10 + 3 * 50 + 90) / 7f);                // 38.57 -> 39
        int o1 = Math.round((50 + 3 * 90 + 3 * 130 + 170) / 8f);          // 110
        int o2 = Math.round((130 + 3 * 170 + 3 * 210 + 250) / 8f);        // 190
        int o3 = Math.round((210 + 3 * 250 + 3 * 30) / 7f);               // 150
        assertArrayEquals(new int[] {o0, o1, o2, o3}, values(Resize.resize(row, 4, 1, Interpolation.BILINEAR)));

        // The same along columns, and both at once (each pass rounds to 8 bits, as PIL's does).
        Uint8Image column = grey(1, 8, 10, 50, 90, 130, 170, 210, 250, 30);
        assertArrayEquals(new int[] {o0, o1, o2, o3}, values(Resize.resize(column, 1, 4, Interpolation.BILINEAR)));
        Uint8Image square = new Uint8Image(8, 8, 1);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) square.set(x, y, 0, row.get(x, 0, 0));
        Uint8Image halved = Resize.resize(square, 4, 4, Interpolation.BILINEAR);
        for (int y = 0; y < 4; y++) assertArrayEquals(new int[] {o0, o1, o2, o3}, Arrays.copyOfRange(values(halved), 4 * y, 4 * y + 4));
    }

    @Test
    void threeByThreeToOnePixel() {
        // Scale 3, support 3: the center 1.5 weighs the three inputs by the triangle at -1/3, 0, 1/3, i.e. 2, 3, 2 (/7).
        // Only the corner is lit: the horizontal pass gives row 2 (2*0 + 3*0 + 2*255) / 7 = 72.86 -> 73,
        // then the vertical pass (2*0 + 3*0 + 2*73) / 7 = 20.86 -> 21.
        Uint8Image corner = grey(3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 255);
        assertArrayEquals(new int[] {21}, values(Resize.resize(corner, 1, 1, Interpolation.BILINEAR)));
    }

    @Test
    void doublingWithBicubicOvershootsAndClamps() {
        // Centres at 0.25, 0.75, 1.25, 1.75. For 0.25 the cubic (a = -0.5) gives 0.8671875 at distance 0.25 and
        // -0.0703125 at 1.25: 255 * -0.0703125 / 0.796875 < 0 clamps to 0. For 0.75: 0.8671875 at 0.25 and
        // 0.2265625 at 0.75: 255 * 0.2265625 / 1.09375 = 52.8 -> 53. The other two mirror these.
        assertArrayEquals(new int[] {0, 53, 202, 255}, values(Resize.resize(grey(2, 1, 0, 255), 4, 1, Interpolation.BICUBIC)));
    }

    @Test
    void theSameSizeIsTheSameImage() {
        Uint8Image image = grey(2, 2, 1, 2, 3, 4);
        assertSame(image, Resize.resize(image, 2, 2, Interpolation.BICUBIC));
    }
}
