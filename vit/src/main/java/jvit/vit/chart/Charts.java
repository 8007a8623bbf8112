package jvit.vit.chart;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import jvit.runtime.io.AtomicFile;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** What the charts share: XChart styled alike, panels side by side in one image, PNG written atomically. */
final class Charts {
    /** Series colours, in order (matplotlib's first six). */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b)
    };

    static {
        // A chart needs no display; without this, a $DISPLAY that cannot be reached fails the drawing.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    /** White, the palette, the legend outside the plot where it hides nothing. */
    static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setSeriesColors(PALETTE);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setAntiAlias(true);
    }

    /** A panel's title: the chart's, and the panel's own after it where it has one. */
    static String title(String chart, String panel) {
        return panel.isEmpty() ? chart : chart.isEmpty() ? panel : chart + ": " + panel;
    }

    /** The charts drawn side by side, each {@code width / charts} wide, on one RGB image. */
    static BufferedImage sideBySide(List<? extends Chart<?, ?>> charts, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int each = width / charts.size();
            for (int i = 0; i < charts.size(); i++) g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), i * each, 0, null);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Writes {@code image} as a PNG, atomically: the file is the old one or the whole new one. */
    static void writePng(BufferedImage image, Path png) {
        AtomicFile.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer in this Java runtime");
        });
    }
}
