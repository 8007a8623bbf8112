package jvit.vit.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import jvit.runtime.UserError;

/** Image files: finding them, and decoding them to 8-bit grey or RGB pixels as PIL's {@code convert} would. */
public final class Images {
    /** What {@code javax.imageio} decodes without plug-ins, as lower-case file extensions. */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");
    private static final String FORMATS = "PNG, JPEG, BMP or GIF";
    /** PIL refuses images over twice {@code Image.MAX_IMAGE_PIXELS} as decompression bombs. */
    static final long MAX_PIXELS = 2L * 89_478_485;

    private Images() {}

    /**
     * The image files that {@code paths} name: a file as it is, a folder as the image files directly
     * in it (by extension), sorted by name. A missing path, or a folder without images, is a {@link UserError}.
     */
    public static List<Path> list(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.exists(path)) throw UserError.inFile(path, "no such file or folder; check the path");
            if (!Files.isDirectory(path)) {
                files.add(path);
                continue;
            }
            List<Path> images;
            try (Stream<Path> children = Files.list(path)) {
                images = children.filter(p -> Files.isRegularFile(p) && EXTENSIONS.contains(extension(p)))
                        .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
            } catch (IOException e) {
                throw UserError.inFile(path, "cannot list the folder: " + e.getMessage() + "; check its permissions");
            }
            if (images.isEmpty()) {
                throw UserError.inFile(path, "has no image files (.png, .jpg, .jpeg, .bmp, .gif); give a folder with images in it");
            }
            files.addAll(images);
        }
        return files;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * Decodes an image file to {@code channels} (1: grey, 3: RGB). Anything unreadable is a
     * {@link UserError} naming it: a damaged or truncated file (a decoder's warning counts: it means
     * part of the image was made up), or one of more pixels than PIL opens, checked from the header
     * before any pixel is decoded.
     */
    public static Uint8Image decode(Path file, int channels) {
        if (!Files.exists(file)) throw UserError.inFile(file, "no such file; check the path");
        if (Files.isDirectory(file)) throw UserError.inFile(file, "is a folder, not an image; give the image files in it");
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw UserError.inFile(file, "cannot be opened; check its permissions");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw UserError.inFile(file, "is not an image jvit can read; give a " + FORMATS + " file");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw UserError.inFile(file, "is " + reader.getWidth(0) + " × " + reader.getHeight(0) + " pixels, more than the "
                            + MAX_PIXELS + " jvit decodes (PIL's limit); scale it down first");
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                image = reader.read(0);
                if (!warnings.isEmpty()) throw UserError.inFile(file, "is damaged or truncated (" + warnings.getFirst() + "); give the whole file");
            } finally {
                reader.dispose();
            }
        } catch (UserError e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Decoders throw unchecked exceptions too on corrupt data; either way the file is the problem.
            String reason = e.getMessage() != null ? e.getMessage().replace('\n', ' ') : e.getClass().getSimpleName();
            throw UserError.inFile(file, "cannot be decoded (" + reason + "); check that it is a " + FORMATS
                    + " image that opens in an image viewer");
        }
        return convert(image, channels);
    }

    /**
     * The image's pixels in {@code channels}: grey is repeated into RGB, RGB becomes grey by ITU-R
     * 601 luma in PIL's fixed point ({@code (19595 R + 38470 G + 7471 B + 32768) >> 16}), alpha is dropped.
     */
    public static Uint8Image convert(BufferedImage image, int channels) {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("images have 1 or 3 channels, not " + channels);
        int width = image.getWidth();
        int height = image.getHeight();
        Uint8Image out = new Uint8Image(width, height, channels);
        ColorModel model = image.getColorModel();
        if (model.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            // getRGB would map grey through a gamma curve; the stored samples (band 0, before any alpha) are what PIL reads.
            Raster raster = image.getRaster();
            double max = (1 << model.getComponentSize(0)) - 1;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int grey = (int) Math.round(raster.getSample(x, y, 0) * 255 / max);
                    for (int c = 0; c < channels; c++) out.set(x, y, c, grey);
                }
            }
            return out;
        }
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int r = (row[x] >> 16) & 0xFF;
                int g = (row[x] >> 8) & 0xFF;
                int b = row[x] & 0xFF;
                if (channels == 3) {
                    out.set(x, y, 0, r);
                    out.set(x, y, 1, g);
                    out.set(x, y, 2, b);
                } else {
                    out.set(x, y, 0, (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
                }
            }
        }
        return out;
    }
}
