package jvit.vit.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.util.List;

/**
 * Draws one panel of a {@link BarChart} into a rectangle: title, legend in a row under it, y axis
 * from 0 with ticks and grid, the groups of bars with their labels, and the category names under
 * them (slanted when they do not fit side by side).
 */
final class BarPainter {
    /** Room around the plot: title and legend (top), tick labels (left), category names (bottom). */
    static final int TOP = 52, LEFT = 72, RIGHT = 16;
    /** Of a group's width, the share its bars take; the rest separates the groups. */
    static final double GROUP_FILL = 0.8;
    private static final Color GRID = new Color(0xe0e0e0), AXIS = new Color(0x404040);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12), SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 10),
            TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    private BarPainter() {}

    static void paint(Graphics2D g, BarChart.Panel panel, Rectangle area) {
        g.setFont(TEXT);
        boolean slanted = slanted(g.getFontMetrics(), panel, area.width - LEFT - RIGHT);
        int bottom = slanted ? 24 + longest(g.getFontMetrics(), panel.categories()) * 3 / 4 : 40;
        Rectangle plot = new Rectangle(area.x + LEFT, area.y + TOP, Math.max(1, area.width - LEFT - RIGHT),
                Math.max(1, area.height - TOP - bottom));
        Ticks y = Ticks.covering(0, top(panel), 5);

        g.setFont(TITLE);
        g.setColor(Color.BLACK);
        PanelPainter.centred(g, panel.title(), plot.x + plot.width / 2, area.y + 18);
        g.setFont(TEXT);
        legend(g, panel.series(), plot.x + plot.width / 2, area.y + 38);
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1));
        for (double v : y.values()) {
            int py = (int) Math.round(plot.y + plot.height - v / y.high() * plot.height);
            g.setColor(GRID);
            g.drawLine(plot.x, py, plot.x + plot.width, py);
            g.setColor(AXIS);
            String label = y.label(v);
            g.drawString(label, plot.x - 7 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        PanelPainter.verticalLabel(g, panel.yLabel(), area.x + 16, plot.y + plot.height / 2);

        int groups = panel.categories().size(), bars = Math.max(1, panel.series().size());
        double group = (double) plot.width / Math.max(1, groups), bar = group * GROUP_FILL / bars;
        for (int c = 0; c < groups; c++) {
            double left = plot.x + c * group + group * (1 - GROUP_FILL) / 2;
            for (int s = 0; s < panel.series().size(); s++) {
                BarChart.Series series = panel.series().get(s);
                double v = series.values()[c];
                if (!Double.isFinite(v)) continue;
                int x0 = (int) Math.round(left + s * bar), x1 = (int) Math.round(left + (s + 1) * bar) - 1;
                int h = (int) Math.round(Math.max(0, v) / y.high() * plot.height), top = plot.y + plot.height - h;
                g.setColor(PanelPainter.PALETTE[s % PanelPainter.PALETTE.length]);
                g.fillRect(x0, top, Math.max(1, x1 - x0), h);
                barLabel(g, series.labels().get(c), (x0 + x1) / 2, top - 3);
            }
            categoryName(g, panel.categories().get(c), (int) Math.round(plot.x + (c + 0.5) * group), plot.y + plot.height, slanted);
        }
        g.setColor(AXIS);
        g.drawRect(plot.x, plot.y, plot.width, plot.height);
    }

    /** The axis top: the largest value with room for two lines of labels above it. */
    private static double top(BarChart.Panel panel) {
        double max = 0;
        for (BarChart.Series s : panel.series())
            for (double v : s.values()) if (Double.isFinite(v)) max = Math.max(max, v);
        return max == 0 ? 1 : max * 1.15;
    }

    /** Whether the category names, side by side, would run into each other. */
    private static boolean slanted(FontMetrics fm, BarChart.Panel panel, int width) {
        return longest(fm, panel.categories()) + 6 > width / Math.max(1, panel.categories().size());
    }

    private static int longest(FontMetrics fm, List<String> texts) {
        return texts.stream().mapToInt(fm::stringWidth).max().orElse(0);
    }

    /** The label's lines, the last just above {@code baseline}, centred on {@code x}. */
    private static void barLabel(Graphics2D g, String label, int x, int baseline) {
        if (label.isEmpty()) return;
        g.setFont(SMALL);
        g.setColor(Color.BLACK);
        String[] lines = label.split("\n");
        int height = g.getFontMetrics().getHeight();
        for (int i = 0; i < lines.length; i++) PanelPainter.centred(g, lines[i], x, baseline - (lines.length - 1 - i) * height);
        g.setFont(TEXT);
    }

    private static void categoryName(Graphics2D g, String name, int x, int axis, boolean slanted) {
        g.setColor(AXIS);
        FontMetrics fm = g.getFontMetrics();
        if (!slanted) {
            PanelPainter.centred(g, name, x, axis + 6 + fm.getAscent());
            return;
        }
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 4, x, axis + 8);
        g.drawString(name, x - fm.stringWidth(name), axis + 8 + fm.getAscent() / 2);
        g.setTransform(saved);
    }

    /** Each series' colour and name in one centred row. */
    private static void legend(Graphics2D g, List<BarChart.Series> series, int centreX, int baseline) {
        FontMetrics fm = g.getFontMetrics();
        int swatch = 12, gap = 18;
        int width = series.stream().mapToInt(s -> swatch + 4 + fm.stringWidth(s.name())).sum() + gap * Math.max(0, series.size() - 1);
        int x = centreX - width / 2;
        for (int i = 0; i < series.size(); i++) {
            g.setColor(PanelPainter.PALETTE[i % PanelPainter.PALETTE.length]);
            g.fillRect(x, baseline - swatch + 1, swatch, swatch);
            g.setColor(Color.BLACK);
            g.drawString(series.get(i).name(), x + swatch + 4, baseline);
            x += swatch + 4 + fm.stringWidth(series.get(i).name()) + gap;
        }
    }
}
