package jvit.vit.chart;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

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
        return PanelCanvas.render(title, panels.size(), width, height, (g, i, area) -> BarPainter.paint(g, panels.get(i), area));
    }

    /** Writes the chart as a PNG of {@code width × height} pixels, atomically: the file is the old one or the whole new one. */
    public void write(Path png, int width, int height) {
        PanelCanvas.writePng(render(width, height), png);
    }
}
