package jvit.vit.chart;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Grouped bars, drawn by XChart: in each panel, one group per category (a kernel, a batch size)
 * and in each group one bar per series (a device, a peer), side by side, each with its value
 * above it; written as PNG.
 * <pre>{@code
 * new BarChart("ViT-S/16 forward", List.of(new Panel("images/s", "images/s", List.of("batch 1", "batch 8"), List.of(
 *         new Series("java", new double[] {40, 80}),
 *         new Series("opencl:0", new double[] {45, 90})))))
 *     .write(Path.of("models.png"), 800, 450);
 * }</pre>
 *
 * @param title the start of every panel's title
 * @param panels drawn left to right
 */
public record BarChart(String title, List<Panel> panels) {
    /** One bar per category: {@code values[i]} for category i, NaN for none (a case that did not run there). */
    public record Series(String name, double[] values) {
        public Series {
            values = values.clone();
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
        List<CategoryChart> charts = new ArrayList<>();
        for (Panel p : panels) {
            CategoryChart c = new CategoryChartBuilder().width(width / panels.size()).height(height).title(Charts.title(title, p.title()))
                    .yAxisTitle(p.yLabel()).build();
            Charts.style(c.getStyler());
            c.getStyler().setLabelsVisible(true);
            c.getStyler().setLabelsPosition(1);
            c.getStyler().setLabelsFontColorAutomaticEnabled(false);
            c.getStyler().setYAxisMin(0.0);
            c.getStyler().setYAxisDecimalPattern("#,##0.###");
            for (Series s : p.series()) // a NaN is a bar left out: XChart draws no bar for null
                c.addSeries(s.name(), p.categories(), Arrays.stream(s.values()).mapToObj(v -> Double.isNaN(v) ? null : (Number) v).toList());
            charts.add(c);
        }
        return Charts.sideBySide(charts, width, height);
    }

    /** Writes the chart as a PNG of {@code width × height} pixels, atomically: the file is the old one or the whole new one. */
    public void write(Path png, int width, int height) {
        Charts.writePng(render(width, height), png);
    }
}
