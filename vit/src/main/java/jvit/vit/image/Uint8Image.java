package jvit.vit.image;

/**
 * A decoded image as PIL holds one in mode {@code L} or {@code RGB}: 8-bit samples, row by row,
 * the channels of a pixel side by side ({@code samples[(y * width + x) * channels + c]}).
 */
public record Uint8Image(int width, int height, int channels, byte[] samples) {
    public Uint8Image {
        if (width <= 0 || height <= 0 || channels <= 0) throw new IllegalArgumentException("empty image " + width + "x" + height);
        if (samples.length != (long) width * height * channels) {
            throw new IllegalArgumentException(width + "x" + height + "x" + channels + " image with " + samples.length + " samples");
        }
    }

    /** A black image. */
    public Uint8Image(int width, int height, int channels) {
        this(width, height, channels, new byte[Math.multiplyExact(Math.multiplyExact(width, height), channels)]);
    }

    /** Sample {@code c} of pixel ({@code x}, {@code y}), 0 to 255. */
    public int get(int x, int y, int c) { return samples[(y * width + x) * channels + c] & 0xFF; }

    public void set(int x, int y, int c, int value) { samples[(y * width + x) * channels + c] = (byte) value; }

    /** The {@code w × h} region whose top-left pixel is ({@code left}, {@code top}). */
    public Uint8Image crop(int left, int top, int w, int h) {
        if (left < 0 || top < 0 || left + w > width || top + h > height) {
            throw new IllegalArgumentException("crop " + w + "x" + h + "+" + left + "+" + top + " outside " + width + "x" + height);
        }
        Uint8Image out = new Uint8Image(w, h, channels);
        for (int y = 0; y < h; y++) {
            System.arraycopy(samples, ((top + y) * width + left) * channels, out.samples, y * w * channels, w * channels);
        }
        return out;
    }
}
