package jvit.vit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import jvit.runtime.UserError;
import jvit.vit.ViTConfig;
import jvit.vit.image.Images;
import jvit.vit.image.Preprocessing;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the IDX files: synthetic ones whole and damaged in every way, and the installed dataset where it is. */
class FashionMnistTest {
    static final Path SAMPLES = Path.of("..", "models", "samples");

    @TempDir
    Path dir;

    @Test
    void readsGzippedAndPlainFilesAlike() {
        for (boolean gzip : new boolean[] {true, false}) {
            Path d = IdxFiles.write(dir.resolve("gz-" + gzip), FashionMnist.Split.TEST, 13, gzip);
            Dataset data = FashionMnist.load(d, FashionMnist.Split.TEST);
            assertEquals(13, data.count());
            assertEquals(28, data.height());
            assertEquals(28, data.width());
            for (int i = 0; i < 13; i++) {
                assertEquals(IdxFiles.label(i), data.label(i));
                for (int y = 0; y < 28; y++)
                    for (int x = 0; x < 28; x++) assertEquals(IdxFiles.pixel(i, y, x), data.pixel(i, y, x));
            }
        }
    }

    @Test
    void theSplitsReadTheirOwnFiles() {
        IdxFiles.write(dir, FashionMnist.Split.TRAIN, 7, true);
        IdxFiles.write(dir, FashionMnist.Split.TEST, 3, true);
        assertEquals(7, FashionMnist.load(dir, FashionMnist.Split.TRAIN).count());
        assertEquals(3, FashionMnist.load(dir, FashionMnist.Split.TEST).count());
        assertEquals(FashionMnist.Split.TEST, FashionMnist.Split.of("test"));
        assertThrows(IllegalArgumentException.class, () -> FashionMnist.Split.of("validation"));
    }

    @Test
    void aMissingFolderOrFileSaysHowToInstall() {
        Path none = dir.resolve("none");
        assertFails(none, none.toString(), "Fashion-MNIST is not installed", "apt-get install dataset-fashion-mnist", "--data-dir");
        IdxFiles.write(dir, "t10k-images-idx3-ubyte", IdxFiles.images(2), true);
        assertFails(dir, dir.resolve("t10k-labels-idx1-ubyte.gz").toString(), "Fashion-MNIST is not installed");
    }

    @Test
    void aBadMagicNumber() {
        byte[] images = IdxFiles.images(2);
        images[3] = 2; // two dimensions
        Path file = IdxFiles.write(dir, "t10k-images-idx3-ubyte", images, true);
        IdxFiles.write(dir, "t10k-labels-idx1-ubyte", IdxFiles.labels(2), true);
        assertFails(dir, file.toString(), "magic number 2050 is not 2051");
    }

    @Test
    void labelsInAnImageFile() {
        IdxFiles.write(dir, "t10k-images-idx3-ubyte", IdxFiles.labels(2), false);
        IdxFiles.write(dir, "t10k-labels-idx1-ubyte", IdxFiles.labels(2), false);
        assertFails(dir, "t10k-images-idx3-ubyte", "magic number 2049 is not 2051");
    }

    @Test
    void aTruncatedFile() throws IOException {
        byte[] images = IdxFiles.images(3);
        IdxFiles.write(dir, "t10k-labels-idx1-ubyte", IdxFiles.labels(3), true);
        Path plain = IdxFiles.write(dir, "t10k-images-idx3-ubyte", Arrays.copyOf(images, images.length - 1), false);
        assertFails(dir, plain.toString(), "need 2352 bytes of data but the file has 2351", "truncated");
        Files.delete(plain);
        byte[] gz = IdxFiles.gzip(images);
        Path cut = IdxFiles.write(dir, "t10k-images-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length / 2), false);
        assertFails(dir, cut.toString(), "truncated");
        IdxFiles.write(dir, "t10k-images-idx3-ubyte.gz", Arrays.copyOf(images, 6), false);
        assertFails(dir, cut.toString(), "ends early", "truncated");
    }

    @Test
    void trailingData() {
        byte[] labels = IdxFiles.labels(3);
        IdxFiles.write(dir, "t10k-images-idx3-ubyte", IdxFiles.images(3), true);
        Path file = IdxFiles.write(dir, "t10k-labels-idx1-ubyte", Arrays.copyOf(labels, labels.length + 1), true);
        assertFails(dir, file.toString(), "data after the 3 bytes");
    }

    @Test
    void corruptGzip() {
        byte[] gz = IdxFiles.gzip(IdxFiles.images(3));
        for (int i = 20; i < gz.length - 8; i++) gz[i] ^= 0x55;
        IdxFiles.write(dir, "t10k-labels-idx1-ubyte", IdxFiles.labels(3), true);
        Path file = IdxFiles.write(dir, "t10k-images-idx3-ubyte.gz", gz, false);
        assertFails(dir, file.toString(), "corrupt");
    }

    @Test
    void imagesThatAreNot28x28() {
        var b = IdxFiles.header(2 * 27 * 28, 0x0803, 2, 27, 28);
        Path file = IdxFiles.write(dir, "t10k-images-idx3-ubyte", b.array(), true);
        IdxFiles.write(dir, "t10k-labels-idx1-ubyte", IdxFiles.labels(2), true);
        assertFails(dir, file.toString(), "28x27 images", "not Fashion-MNIST's 28x28");
    }

    @Test
    void countsThatDiffer() {
        IdxFiles.write(dir, "t10k-images-idx3-ubyte", IdxFiles.images(3), true);
        Path file = IdxFiles.write(dir, "t10k-labels-idx1-ubyte", IdxFiles.labels(4), true);
        assertFails(dir, file.toString(), "4 labels", "3 images");
    }

    @Test
    void noImages() {
        IdxFiles.write(dir, FashionMnist.Split.TEST, 0, true);
        assertFails(dir, "t10k-images-idx3-ubyte.gz", "holds no images");
    }

    @Test
    void aLabelOutOfRange() {
        byte[] labels = IdxFiles.labels(3);
        labels[8 + 2] = 10;
        IdxFiles.write(dir, "t10k-images-idx3-ubyte", IdxFiles.images(3), true);
        Path file = IdxFiles.write(dir, "t10k-labels-idx1-ubyte", labels, true);
        assertFails(dir, file.toString(), "label 10 of image 2");
    }

    @Test
    void aModelMustTakeTheImagesAsTheyAre() {
        ViTConfig grey = ViTConfig.builder().imageSize(28).patchSize(7).channels(1).hidden(16).layers(1).heads(2).mlpDim(32)
                .layerNormEps(1e-12).qkvBias(true).labels(FashionMnist.CLASSES)
                .preprocessing(Preprocessing.huggingFace(28, 1)).build();
        FashionMnist.requireFits(grey, "m");
        ViTConfig rgb = ViTConfig.builder().imageSize(28).patchSize(7).channels(3).hidden(16).layers(1).heads(2).mlpDim(32)
                .layerNormEps(1e-12).qkvBias(true).labels(FashionMnist.CLASSES)
                .preprocessing(Preprocessing.huggingFace(28, 3)).build();
        var e = assertThrows(UserError.class, () -> FashionMnist.requireFits(rgb, "m"));
        assertEquals("m: Fashion-MNIST needs a model with 1 channel, 28x28 images and 10 classes;"
                + " this one has 3 channels, 28x28 images and 10 classes", e.getMessage());
        assertThrows(UserError.class, () -> FashionMnist.requireFits(grey.withClasses(9), "m"));
    }

    @Test
    void theInstalledDataset() {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIRECTORY), "Fashion-MNIST is not installed");
        Dataset test = FashionMnist.load(FashionMnist.DEFAULT_DIRECTORY, FashionMnist.Split.TEST);
        Dataset train = FashionMnist.load(FashionMnist.DEFAULT_DIRECTORY, FashionMnist.Split.TRAIN);
        assertEquals(10_000, test.count());
        assertEquals(60_000, train.count());
        int[] perClass = new int[10];
        for (int i = 0; i < test.count(); i++) perClass[test.label(i)]++;
        for (int n : perClass) assertEquals(1000, n);
        // The bundled samples are test images, named by their index and class.
        assertEquals(9, test.label(0));
        assertArrayEquals(Images.decode(SAMPLES.resolve("0000-ankle_boot.png"), 1).samples(), test.image(0).samples());
    }

    private static void assertFails(Path dir, String... fragments) {
        UserError e = assertThrows(UserError.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
    }
}
