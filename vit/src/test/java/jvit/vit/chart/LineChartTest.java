package jvit.vit.chart;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PNG decodes at its size with the lines drawn in the plot areas; single points and gaps work. */
class LineChartTest {
    static final Color TRAIN = PanelPainter.PALETTE[0], VALIDATION = PanelPainter.PALETTE[1];

    @TempDir
    Path dir;

    static LineChart training(double[] trainLoss, double[] validationLoss, double[] trainAccuracy, double[] validationAccuracy) {
        return new LineChart("ViT on Fashion-MNIST", "epoch", List.of(
                new LineChart.Panel("loss", "cross-entropy", List.of(new LineChart.Series("train", trainLoss), new LineChart.Series("validation", validationLoss))),
                new LineChart.Panel("accuracy", "accuracy (%)",
                        List.of(new LineChart.Series("train", trainAccuracy), new LineChart.Series("validation", validationAccuracy)))));
    }

    @Test
    void aPngWithBothPanelsDrawn() throws IOException {
        Path png = dir.resolve("training.png");
        training(new double[] {2.1, 1.2, 0.8, 0.6, 0.5}, new double[] {1.9, 1.1, 0.9, 0.7, 0.65},
                new double[] {40, 62, 75, 81, 84}, new double[] {45, 60, 72, 79, 82}).write(png, 1000, 420);
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "decodes as an image");
        assertEquals(1000, image.getWidth());
        assertEquals(420, image.getHeight());
        for (Rectangle plot : plots(image, 2)) {
            assertTrue(pixels(image, plot, TRAIN) > 100, "train line in " + plot);
            assertTrue(pixels(image, plot, VALIDATION) > 100, "validation line in " + plot);
        }
        assertTrue(nonWhite(image, new Rectangle(0, 0, 1000, PanelCanvas.TITLE_HEIGHT)) > 50, "a title");
    }

    @Test
    void aSinglePointIsDrawn() {
        BufferedImage image = training(new double[] {0.7}, new double[] {0.8}, new double[] {70}, new double[] {68}).render(600, 300);
        for (Rectangle plot : plots(image, 2)) {
            assertTrue(pixels(image, plot, TRAIN) > 10, "a train point in " + plot);
            assertTrue(pixels(image, plot, VALIDATION) > 10, "a validation point in " + plot);
        }
    }

    @Test
    void gapsAreSkipped() {
        double nan = Double.NaN;
        BufferedImage image = new LineChart("gaps", "epoch", List.of(new LineChart.Panel("loss", "loss", List.of(
                new LineChart.Series("train", new double[] {1, nan, 3, Double.POSITIVE_INFINITY, 2}),
                new LineChart.Series("validation", new double[] {nan, nan}))))).render(500, 300);
        Rectangle plot = plots(image, 1).getFirst();
        assertTrue(pixels(image, plot, TRAIN) > 20);
        assertTrue(pixels(image, plot, VALIDATION) < 60, "only the legend's swatch: " + pixels(image, plot, VALIDATION));
        assertEquals(List.of("[0, 1]", "[2, 3]", "[4, 5]"),
                PanelPainter.runs(new double[] {1, nan, 3, Double.POSITIVE_INFINITY, 2}).stream().map(java.util.Arrays::toString).toList());
        assertEquals(List.of(), PanelPainter.runs(new double[] {nan}));
    }

    @Test
    void ticksAreRoundNumbersAroundTheData() {
        Ticks t = Ticks.covering(0.23, 2.07, 5);
        assertEquals(0.5, t.step());
        assertEquals(0, t.low());
        assertEquals(2.5, t.high());
        assertArrayEquals(new double[] {0, 0.5, 1, 1.5, 2, 2.5}, t.values(), 1e-12);
        assertEquals("1.5", t.label(1.5));
        assertEquals("2", Ticks.covering(0, 10, 5).label(2));
        assertEquals(List.of(1.0), java.util.Arrays.stream(Ticks.integers(1, 1, 10).values()).boxed().toList());
        assertArrayEquals(new double[] {5, 10, 15, 20, 25, 30}, Ticks.integers(1, 30, 10).values(), 1e-12);
        Ticks flat = Ticks.covering(0.5, 0.5, 5);
        assertTrue(flat.low() < 0.5 && flat.high() > 0.5, flat.toString());
    }

    /** The plot rectangles of a chart of {@code panels} panels drawn at the image's size. */
    private static List<Rectangle> plots(BufferedImage image, int panels) {
        int width = image.getWidth() / panels;
        return java.util.stream.IntStream.range(0, panels)
                .mapToObj(i -> PanelPainter.plotArea(new Rectangle(i * width, PanelCanvas.TITLE_HEIGHT, width, image.getHeight() - PanelCanvas.TITLE_HEIGHT))).toList();
    }

    private static int pixels(BufferedImage image, Rectangle area, Color color) {
        int n = 0;
        for (int y = area.y; y < area.y + area.height; y++)
            for (int x = area.x; x < area.x + area.width; x++) if ((image.getRGB(x, y) & 0xFFFFFF) == (color.getRGB() & 0xFFFFFF)) n++;
        return n;
    }

    private static int nonWhite(BufferedImage image, Rectangle area) {
        return area.width * area.height - pixels(image, area, Color.WHITE);
    }
}
