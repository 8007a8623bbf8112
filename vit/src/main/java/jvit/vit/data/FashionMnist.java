package jvit.vit.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import jvit.runtime.UserError;
import jvit.vit.ViTConfig;

/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 28×28 grey images of clothing in 10 classes, 60,000
 * to train on and 10,000 to test, in IDX files as Debian's {@code dataset-fashion-mnist} installs
 * them: {@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz} and the same with
 * {@code t10k-} for the test split. Uncompressed files of the same names without {@code .gz} are
 * read too.
 */
public final class FashionMnist {
    public static final List<String> CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final int IMAGE_SIZE = 28;
    public static final Path DEFAULT_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");

    private static final int IMAGE_MAGIC_DIMENSIONS = 3, LABEL_MAGIC_DIMENSIONS = 1;
    private static final String REINSTALL = "reinstall it: sudo apt-get install --reinstall dataset-fashion-mnist";

    /** The two parts the dataset ships in; {@link #prefix} starts their file names. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) { this.prefix = prefix; }

        public String prefix() { return prefix; }

        /** The split named {@code train} or {@code test}, as the command line writes it. */
        public static Split of(String name) {
            for (Split s : values()) if (s.name().equalsIgnoreCase(name)) return s;
            throw new IllegalArgumentException("'" + name + "' is not a split; use train or test");
        }

        @Override
        public String toString() { return name().toLowerCase(Locale.ROOT); }
    }

    private FashionMnist() {}

    /**
     * The images and labels of {@code split} from {@code dir}. A missing folder or file, and any
     * file that is not exactly what the dataset ships (magic number, sizes, length, label range),
     * is a one-line {@link UserError} naming the path.
     */
    public static Dataset load(Path dir, Split split) {
        Path images = file(dir, split.prefix() + "-images-idx3-ubyte");
        Path labels = file(dir, split.prefix() + "-labels-idx1-ubyte");
        Idx.Array x = Idx.read(images, IMAGE_MAGIC_DIMENSIONS, REINSTALL);
        Idx.Array y = Idx.read(labels, LABEL_MAGIC_DIMENSIONS, REINSTALL);
        if (x.dims()[1] != IMAGE_SIZE || x.dims()[2] != IMAGE_SIZE) {
            throw UserError.inFile(images, "holds " + x.dims()[2] + "x" + x.dims()[1] + " images, not Fashion-MNIST's "
                    + IMAGE_SIZE + "x" + IMAGE_SIZE + "; " + REINSTALL);
        }
        if (x.dims()[0] == 0) throw UserError.inFile(images, "holds no images; " + REINSTALL);
        if (x.dims()[0] != y.dims()[0]) {
            throw UserError.inFile(labels, "holds " + y.dims()[0] + " labels but " + images.getFileName() + " holds "
                    + x.dims()[0] + " images; " + REINSTALL);
        }
        for (int i = 0; i < y.data().length; i++) {
            int label = y.data()[i] & 0xFF;
            if (label >= CLASSES.size()) {
                throw UserError.inFile(labels, "label " + label + " of image " + i + " is not a class (0 to "
                        + (CLASSES.size() - 1) + "); " + REINSTALL);
            }
        }
        return new Dataset(IMAGE_SIZE, IMAGE_SIZE, x.data(), y.data());
    }

    /** The gzip'd file, or else the uncompressed one; neither is a {@link UserError} that says how to install the dataset. */
    private static Path file(Path dir, String name) {
        Path gzipped = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gzipped)) return gzipped;
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) return plain;
        Path missing = Files.isDirectory(dir) ? gzipped : dir;
        throw new UserError("Fashion-MNIST is not installed (" + missing + " not found): sudo apt-get install dataset-fashion-mnist,"
                + " or pass --data-dir DIR");
    }

    /**
     * Fails unless {@code config} takes Fashion-MNIST as it is: one channel, 28×28, 10 classes.
     * {@code model} names the model in the message.
     */
    public static void requireFits(ViTConfig config, String model) {
        if (config.channels() == 1 && config.imageSize() == IMAGE_SIZE && config.numLabels() == CLASSES.size()) return;
        throw new UserError(model + ": Fashion-MNIST needs a model with 1 channel, " + IMAGE_SIZE + "x" + IMAGE_SIZE + " images and "
                + CLASSES.size() + " classes; this one has " + config.channels() + (config.channels() == 1 ? " channel, " : " channels, ")
                + config.imageSize() + "x" + config.imageSize() + " images and " + config.numLabels() + " classes");
    }
}
