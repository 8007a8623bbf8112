package jvit.vit.chart;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A chart of values per epoch, drawn by XChart: one or more panels side by side, each with its
 * own y axis and lines, written as PNG. A training run's loss and accuracy:
 * <pre>{@code
 * new LineChart("ViT on Fashion-MNIST", "epoch", List.of(
 *         new Panel("loss", "cross-entropy", List.of(new Series("train", trainLoss), new Series("validation", validationLoss))),
 *         new Panel("accuracy", "accuracy (%)", List.of(new Series("train", trainAccuracy), new Series("validation", validationAccuracy)))))
 *     .write(Path.of("training.png"), 1200, 450);
 * }</pre>
 *
 * @param title the start of every panel's title
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
        List<XYChart> charts = new ArrayList<>();
        for (Panel p : panels) {
            XYChart c = new XYChartBuilder().width(width / panels.size()).height(height).title(Charts.title(title, p.title()))
                    .xAxisTitle(xLabel).yAxisTitle(p.yLabel()).build();
            Charts.style(c.getStyler());
            c.getStyler().setXAxisDecimalPattern("0");
            for (Series s : p.series()) {
                double[] x = new double[s.values().length], y = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = i + 1;
                    y[i] = Double.isFinite(s.values()[i]) ? s.values()[i] : Double.NaN; // XChart breaks a line at NaN
                }
                if (x.length == 0) continue;
                XYSeries series = c.addSeries(s.name(), x, y);
                series.setMarker(SeriesMarkers.CIRCLE); // a single point, or one between gaps, shows as a dot
            }
            charts.add(c);
        }
        return Charts.sideBySide(charts, width, height);
    }

    /** Writes the chart as a PNG of {@code width × height} pixels, atomically: the file is the old one or the whole new one. */
    public void write(Path png, int width, int height) {
        Charts.writePng(render(width, height), png);
    }
}
