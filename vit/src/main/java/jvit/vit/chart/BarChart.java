package jvit.vit.chart;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import jvit.runtime.io.AtomicFile;

/**
 * Grouped bars: in each panel, one group per category (a kernel, a batch size) and in each group
 * one bar per series (a device), side by side, each with its label above it; drawn with Java2D
 * and written as PNG.
 * <pre>{@code
 * new BarChart("ViT-S/16 forward", List.of(new Panel("images/s", "images/s", List.of("batch 1", "batch 8"), List.of(
 *         new Series("java", new double[] {40, 80}, List.of("40", "80")),
 *         new Series("opencl:0", new double[] {45, 90}, List.of("45", "90"))))))
 *     .write(Path.of("models.png"), 800, 450);
 * }</pre>
 *
 * @param title the line above the panels
 * @param panels drawn left to right
 */
public record BarChart(String title, List<Panel> panels) {
    static {
        // A chart needs no display; without this, a $DISPLAY that cannot be reached fails the drawing.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /**
     * One bar per category: {@code values[i]} for category i, NaN for none (a case that did not
     * run there); {@code labels.get(i)} above it, lines split at {@code \n}.
     */
    public record Series(String name, double[] values, List<String> labels) {
        public Series {
            if (values.length != labels.size()) throw new IllegalArgumentException("a label for each value");
            values = values.clone();
            labels = List.copyOf(labels);
        }
    }

    /** A plot with its own y axis (from 0), title and legend; its series take the palette's colours in order. */
    public record Panel(String title, String yLabel, List<String> categories, List<Series> series) {
        public Panel {
            categories = List.copyOf(categories);
            series = List.copyOf(series);
            for (Series s : series)
                if (s.values().length != categories.size())
                    throw new IllegalArgumentException("series " + s.name() + " has " + s.values().length + " values for " + categories.size() + " categories");
        }
    }

    public BarChart {
        if (panels.isEmpty()) throw new IllegalArgumentException("a chart needs at least one panel");
        panels = List.copyOf(panels);
    }

    /** The chart as an RGB image of {@code width × height} pixels on white. */
    public BufferedImage render(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, (width - g.getFontMetrics().stringWidth(title)) / 2, 22);
            int panelWidth = width / panels.size();
            for (int i = 0; i < panels.size(); i++)
                BarPainter.paint(g, panels.get(i), new Rectangle(i * panelWidth, LineChart.TITLE_HEIGHT, panelWidth, height - LineChart.TITLE_HEIGHT));
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Writes the chart as a PNG of {@code width × height} pixels, atomically. */
    public void write(Path png, int width, int height) {
        BufferedImage image = render(width, height);
        AtomicFile.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer in this Java runtime");
        });
    }
}
