package jvit.vit.chart;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bars stand side by side in each group, as tall as their values; a NaN is no bar. */
class BarChartTest {
    static final Color FIRST = Charts.PALETTE[0], SECOND = Charts.PALETTE[1];

    @TempDir
    Path dir;

    @Test
    void barsAreAsTallAsTheirValuesAndNaNIsNone() throws IOException {
        Path png = dir.resolve("bars.png");
        new BarChart("t", List.of(new BarChart.Panel("p", "y", List.of("a", "b"), List.of(
                new BarChart.Series("one", new double[] {10, 20}),
                new BarChart.Series("two", new double[] {Double.NaN, 5})))))
                .write(png, 600, 400);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(600, image.getWidth());
        assertEquals(400, image.getHeight());
        int[] first = heights(image, FIRST), second = heights(image, SECOND);
        assertEquals(2, first.length, "one bar per category");
        assertEquals(2 * first[0], first[1], 3, "20 is twice as tall as 10");
        assertEquals(1, second.length, "NaN draws nothing");
        assertEquals(first[1] / 4.0, second[0], 3, "5 is a quarter of 20");
    }

    @Test
    void seriesMustHaveAValueForEachCategory() {
        assertThrows(IllegalArgumentException.class, () -> new BarChart.Panel("p", "y", List.of("a", "b"),
                List.of(new BarChart.Series("one", new double[] {1}))));
    }

    /** The height of each bar of a colour, left to right: the tallest column of that colour in each run of columns, above the legend (at the bottom). */
    private static int[] heights(BufferedImage image, Color colour) {
        List<Integer> bars = new ArrayList<>();
        int width = 0, tallest = 0;
        for (int x = 0; x <= image.getWidth(); x++) {
            int run = 0;
            if (x < image.getWidth())
                for (int y = 0; y < image.getHeight() * 4 / 5; y++) if (image.getRGB(x, y) == colour.getRGB()) run++;
            if (run > 0) {
                width++;
                tallest = Math.max(tallest, run);
            } else {
                if (width > 0) bars.add(tallest);
                width = tallest = 0;
            }
        }
        return bars.stream().mapToInt(Integer::intValue).toArray();
    }
}
