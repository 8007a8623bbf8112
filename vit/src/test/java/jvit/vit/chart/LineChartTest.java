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

/** The PNG decodes at its size with the lines drawn in each panel; single points and gaps work. */
class LineChartTest {
    static final Color TRAIN = Charts.PALETTE[0], VALIDATION = Charts.PALETTE[1];

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
        for (Rectangle panel : panels(image, 2)) {
            assertTrue(pixels(image, panel, TRAIN) > 200, "train line in " + panel);
            assertTrue(pixels(image, panel, VALIDATION) > 200, "validation line in " + panel);
            assertTrue(nonWhite(image, new Rectangle(panel.x, 0, panel.width, 30)) > 50, "a title over " + panel);
        }
    }

    @Test
    void aSinglePointIsDrawn() {
        BufferedImage image = training(new double[] {0.7}, new double[] {0.8}, new double[] {70}, new double[] {68}).render(600, 300);
        for (Rectangle panel : panels(image, 2)) {
            assertTrue(pixels(image, panel, TRAIN) > 10, "a train point in " + panel);
            assertTrue(pixels(image, panel, VALIDATION) > 10, "a validation point in " + panel);
        }
    }

    @Test
    void gapsAndSeriesWithoutAValueDrawWhatThereIs() {
        double nan = Double.NaN;
        BufferedImage image = new LineChart("gaps", "epoch", List.of(new LineChart.Panel("loss", "loss", List.of(
                new LineChart.Series("train", new double[] {1, nan, 3, Double.POSITIVE_INFINITY, 2}),
                new LineChart.Series("validation", new double[] {nan, nan}))))).render(500, 300);
        Rectangle panel = panels(image, 1).getFirst();
        assertTrue(pixels(image, panel, TRAIN) > 20);
    }

    private static List<Rectangle> panels(BufferedImage image, int panels) {
        int width = image.getWidth() / panels;
        return java.util.stream.IntStream.range(0, panels).mapToObj(i -> new Rectangle(i * width, 0, width, image.getHeight())).toList();
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
