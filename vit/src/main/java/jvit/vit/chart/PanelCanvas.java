package jvit.vit.chart;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import jvit.runtime.io.AtomicFile;

/** What every chart here draws on: a white image, a centred title, panels side by side below it. */
final class PanelCanvas {
    /** Pixels above the panels, for the title. */
    static final int TITLE_HEIGHT = 32;

    static {
        // A chart needs no display; without this, a $DISPLAY that cannot be reached fails the drawing.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** Draws panel {@code index} into {@code area}. */
    @FunctionalInterface
    interface PanelPainting {
        void paint(Graphics2D g, int index, Rectangle area);
    }

    private PanelCanvas() {}

    /** An RGB image of {@code width × height} pixels: the title, then {@code panels} areas of equal width. */
    static BufferedImage render(String title, int panels, int width, int height, PanelPainting painting) {
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
            int panelWidth = width / panels;
            for (int i = 0; i < panels; i++)
                painting.paint(g, i, new Rectangle(i * panelWidth, TITLE_HEIGHT, panelWidth, height - TITLE_HEIGHT));
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
