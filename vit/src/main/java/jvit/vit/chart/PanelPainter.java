package jvit.vit.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.List;

/** Draws one panel of a {@link LineChart} into a rectangle: title, axes with ticks and labels, grid, lines with points, legend. */
final class PanelPainter {
    /** Matplotlib's first colours ("tab10"), in the order series take them. */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b)
    };
    /** Room around the plot for the title (top), tick labels and axis labels (left, bottom). */
    static final int TOP = 28, LEFT = 72, BOTTOM = 48, RIGHT = 20;
    private static final Color GRID = new Color(0xe0e0e0), AXIS = new Color(0x404040);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12), TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    private PanelPainter() {}

    static void paint(Graphics2D g, LineChart.Panel panel, String xLabel, Rectangle area) {
        Rectangle plot = plotArea(area);
        int epochs = panel.series().stream().mapToInt(s -> s.values().length).max().orElse(0);
        Ticks x = Ticks.integers(1, Math.max(1, epochs), 10);
        Ticks y = yTicks(panel);
        Scale scale = new Scale(plot, x, y);

        g.setFont(TITLE);
        g.setColor(Color.BLACK);
        centred(g, panel.title(), plot.x + plot.width / 2, area.y + 18);
        g.setFont(TEXT);
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1));
        for (double v : x.values()) {
            int px = (int) Math.round(scale.x(v));
            g.setColor(GRID);
            g.drawLine(px, plot.y, px, plot.y + plot.height);
            g.setColor(AXIS);
            g.drawLine(px, plot.y + plot.height, px, plot.y + plot.height + 4);
            centred(g, x.label(v), px, plot.y + plot.height + 6 + fm.getAscent());
        }
        for (double v : y.values()) {
            int py = (int) Math.round(scale.y(v));
            g.setColor(GRID);
            g.drawLine(plot.x, py, plot.x + plot.width, py);
            g.setColor(AXIS);
            g.drawLine(plot.x - 4, py, plot.x, py);
            String label = y.label(v);
            g.drawString(label, plot.x - 7 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        g.setColor(AXIS);
        g.drawRect(plot.x, plot.y, plot.width, plot.height);
        centred(g, xLabel, plot.x + plot.width / 2, area.y + area.height - 10);
        verticalLabel(g, panel.yLabel(), area.x + 16, plot.y + plot.height / 2);

        for (int i = 0; i < panel.series().size(); i++) line(g, panel.series().get(i).values(), PALETTE[i % PALETTE.length], scale);
        legend(g, panel.series(), plot, scale);
    }

    static Rectangle plotArea(Rectangle area) {
        return new Rectangle(area.x + LEFT, area.y + TOP, Math.max(1, area.width - LEFT - RIGHT), Math.max(1, area.height - TOP - BOTTOM));
    }

    /** Ticks around every finite value of the panel; a panel without any gets 0 to 1. */
    private static Ticks yTicks(LineChart.Panel panel) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (LineChart.Series s : panel.series())
            for (double v : s.values())
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
        return min > max ? Ticks.covering(0, 1, 5) : Ticks.covering(min, max, 5);
    }

    /** Data to pixels: x and y ticks span the plot rectangle, y growing upwards. */
    private record Scale(Rectangle plot, Ticks x, Ticks y) {
        double x(double v) { return plot.x + (v - x.low()) / (x.high() - x.low()) * plot.width; }

        double y(double v) { return plot.y + plot.height - (v - y.low()) / (y.high() - y.low()) * plot.height; }
    }

    /** The runs of consecutive finite values: each is drawn as one polyline, so gaps (NaN) break the line. */
    static List<int[]> runs(double[] values) {
        List<int[]> runs = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= values.length; i++) {
            boolean finite = i < values.length && Double.isFinite(values[i]);
            if (finite && start < 0) start = i;
            if (!finite && start >= 0) {
                runs.add(new int[] {start, i});
                start = -1;
            }
        }
        return runs;
    }

    private static void line(Graphics2D g, double[] values, Color color, Scale scale) {
        g.setColor(color);
        g.setStroke(new BasicStroke(2, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (int[] run : runs(values)) {
            Path2D.Double path = new Path2D.Double();
            for (int i = run[0]; i < run[1]; i++) {
                double px = scale.x(i + 1), py = scale.y(values[i]);
                if (i == run[0]) path.moveTo(px, py);
                else path.lineTo(px, py);
                g.fill(new Ellipse2D.Double(px - 3.5, py - 3.5, 7, 7));
            }
            g.draw(path);
        }
    }

    /** The series' names and colours in a box, in the plot's corner that hides the least of the lines. */
    private static void legend(Graphics2D g, List<LineChart.Series> series, Rectangle plot, Scale scale) {
        if (series.isEmpty()) return;
        FontMetrics fm = g.getFontMetrics();
        int row = fm.getHeight() + 2, swatch = 22;
        int width = swatch + 6 + series.stream().mapToInt(s -> fm.stringWidth(s.name())).max().orElse(0) + 12;
        int height = series.size() * row + 8;
        Rectangle box = clearestCorner(series, plot, scale, width, height);
        g.setColor(Color.WHITE);
        g.fillRect(box.x, box.y, width, height);
        g.setColor(GRID);
        g.setStroke(new BasicStroke(1));
        g.drawRect(box.x, box.y, width, height);
        for (int i = 0; i < series.size(); i++) {
            int baseline = box.y + 4 + i * row + fm.getAscent();
            g.setColor(PALETTE[i % PALETTE.length]);
            g.setStroke(new BasicStroke(2));
            g.drawLine(box.x + 6, baseline - fm.getAscent() / 2 + 1, box.x + 6 + swatch, baseline - fm.getAscent() / 2 + 1);
            g.setColor(Color.BLACK);
            g.drawString(series.get(i).name(), box.x + 12 + swatch, baseline);
        }
    }

    /** Of the plot's four corners (top right first), the box there that covers the fewest points along the lines. */
    private static Rectangle clearestCorner(List<LineChart.Series> series, Rectangle plot, Scale scale, int width, int height) {
        int margin = 8, right = plot.x + plot.width - width - margin, left = plot.x + margin;
        int top = plot.y + margin, bottom = plot.y + plot.height - height - margin;
        Rectangle best = null;
        int fewest = Integer.MAX_VALUE;
        for (Rectangle box : List.of(new Rectangle(right, top, width, height), new Rectangle(right, bottom, width, height),
                new Rectangle(left, top, width, height), new Rectangle(left, bottom, width, height))) {
            int covered = 0;
            for (LineChart.Series s : series) covered += coveredSamples(s.values(), box, scale);
            if (covered < fewest) {
                fewest = covered;
                best = box;
            }
        }
        return best;
    }

    /** Points sampled along a series' line (ten per segment) that fall inside {@code box}. */
    private static int coveredSamples(double[] values, Rectangle box, Scale scale) {
        int covered = 0;
        for (int[] run : runs(values))
            for (int i = run[0]; i < run[1]; i++) {
                int steps = i + 1 < run[1] ? 10 : 1;
                for (int k = 0; k < steps; k++) {
                    double t = (double) k / 10, v = steps == 1 ? values[i] : values[i] + t * (values[i + 1] - values[i]);
                    if (box.contains(scale.x(i + 1 + t), scale.y(v))) covered++;
                }
            }
        return covered;
    }

    static void centred(Graphics2D g, String text, int x, int baseline) {
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }

    static void verticalLabel(Graphics2D g, String text, int baseline, int centreY) {
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, baseline, centreY);
        centred(g, text, baseline, centreY);
        g.setTransform(saved);
    }
}
