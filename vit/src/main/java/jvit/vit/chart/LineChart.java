package jvit.vit.chart;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

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
        return PanelCanvas.render(title, panels.size(), width, height, (g, i, area) -> PanelPainter.paint(g, panels.get(i), xLabel, area));
    }

    /** Writes the chart as a PNG of {@code width × height} pixels, atomically: the file is the old one or the whole new one. */
    public void write(Path png, int width, int height) {
        PanelCanvas.writePng(render(width, height), png);
    }
}
