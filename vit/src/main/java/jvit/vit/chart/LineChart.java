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
 * A chart of values per epoch: one or more panels side by side, each with its own y axis and
 * lines, drawn with Java2D and written as PNG. A training run's loss and accuracy:
 * <pre>{@code
 * new LineChart("ViT on Fashion-MNIST", "epoch", List.of(
 *         new Panel("loss", "cross-entropy", List.of(new Series("train", trainLoss), new Series("validation", validationLoss))),
 *         new Panel("accuracy", "accuracy (%)", List.of(new Series("train", trainAccuracy), new Series("validation", validationAccuracy)))))
 *     .write(Path.of("training.png"), 1200, 450);
 * }</pre>
 *
 * @param title the line above the panels
 * @param xLabel what the x axis counts, under every panel
 * @param panels drawn left to right
 */
public record LineChart(String title, String xLabel, List<Panel> panels) {
    /** Pixels above the panels, for the title. */
    static final int TITLE_HEIGHT = 32;

    static {
        // A chart needs no display; without this, a $DISPLAY that cannot be reached fails the drawing.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /**
     * One line: {@code values[i]} is the value at x = i + 1 (epochs count from 1). NaN and infinite
     * values are gaps: the line stops before them and starts again after.
     */
    public record Series(String name, double[] values) {
        public Series {
            values = values.clone();
        }
    }

    /** A plot with its own y axis, title and legend; its series take the palette's colours in order. */
    public record Panel(String title, String yLabel, List<Series> series) {
        public Panel {
            series = List.copyOf(series);
        }
    }

    public LineChart {
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
                PanelPainter.paint(g, panels.get(i), xLabel, new Rectangle(i * panelWidth, TITLE_HEIGHT, panelWidth, height - TITLE_HEIGHT));
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Writes the chart as a PNG of {@code width × height} pixels, atomically: the file is the old one or the whole new one. */
    public void write(Path png, int width, int height) {
        BufferedImage image = render(width, height);
        AtomicFile.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer in this Java runtime");
        });
    }
}
