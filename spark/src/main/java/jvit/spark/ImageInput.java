package jvit.spark;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;
import jvit.vit.image.Images;
import jvit.vit.image.Uint8Image;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * What the input column holds, and how a value of it becomes pixels: an encoded image file's bytes
 * (the {@code binaryFile} source's {@code content}), a path to one (any Hadoop path), or Spark's
 * decoded image struct (the {@code image} source's {@code image}: BGR bytes, row by row).
 */
enum ImageInput {
    BYTES, PATH, IMAGE_STRUCT;

    /** A value that is not an image jvit can read: the row gets this message in its error column. */
    static final class BadImage extends Exception {
        private static final long serialVersionUID = 1L;

        BadImage(String message) {
            super(message, null, false, false);
        }
    }

    private static final String FORMATS = "PNG, JPEG, BMP or GIF";

    /** The kind of a column of {@code type}; null when it holds no images. */
    static ImageInput of(DataType type) {
        if (type instanceof BinaryType) return BYTES;
        if (type instanceof StringType) return PATH;
        if (type instanceof StructType s && s.getFieldIndex("data").isDefined() && s.getFieldIndex("nChannels").isDefined()) return IMAGE_STRUCT;
        return null;
    }

    /** The pixels of {@code value} (a value of this kind of column) in {@code channels} (1 grey, 3 RGB). */
    Uint8Image decode(Object value, int channels, HadoopConf conf) throws BadImage {
        if (value == null) throw new BadImage("no image (the input is null)");
        return switch (this) {
            case BYTES -> decode((byte[]) value, channels);
            case PATH -> decode(read((String) value, conf), channels);
            case IMAGE_STRUCT -> fromStruct((Row) value, channels);
        };
    }

    private static byte[] read(String path, HadoopConf conf) throws BadImage {
        try {
            var p = new org.apache.hadoop.fs.Path(path);
            try (InputStream in = p.getFileSystem(conf.get()).open(p)) {
                return in.readAllBytes();
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new BadImage("cannot read " + path + " (" + reason(e) + ")");
        }
    }

    private static Uint8Image decode(byte[] bytes, int channels) throws BadImage {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            // Decoders throw unchecked exceptions too on corrupt data; either way the image is the problem.
            throw new BadImage("cannot be decoded (" + reason(e) + "); it should be a " + FORMATS + " image");
        }
        if (image == null) throw new BadImage("is not an image jvit can read; it should be a " + FORMATS + " image");
        return Images.convert(image, channels);
    }

    /** The image source's struct: {@code nChannels} 1 (grey), 3 (BGR) or 4 (BGRA) bytes per pixel, rows of {@code width}. */
    private static Uint8Image fromStruct(Row image, int channels) throws BadImage {
        int width = image.getInt(image.fieldIndex("width")), height = image.getInt(image.fieldIndex("height"));
        int n = image.getInt(image.fieldIndex("nChannels"));
        byte[] data = image.getAs("data");
        if (width <= 0 || height <= 0 || (n != 1 && n != 3 && n != 4) || data == null || data.length != width * height * n)
            throw new BadImage("the image source could not decode it (" + width + "x" + height + ", " + n + " channels)");
        BufferedImage out = new BufferedImage(width, height, n == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        if (n == 1) {
            out.getRaster().setDataElements(0, 0, width, height, data);
        } else {
            int[] rgb = new int[width * height];
            for (int i = 0; i < rgb.length; i++) // B, G, R (, A: dropped, as jvit's decoder drops alpha)
                rgb[i] = (data[i * n + 2] & 0xFF) << 16 | (data[i * n + 1] & 0xFF) << 8 | data[i * n] & 0xFF;
            out.setRGB(0, 0, width, height, rgb, 0, width);
        }
        return Images.convert(out, channels);
    }

    private static String reason(Exception e) {
        return e.getMessage() != null ? e.getMessage().replace('\n', ' ') : e.getClass().getSimpleName();
    }
}
