package jvit.vit.cli;

import static jvit.vit.cli.CliTest.vit;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import jvit.vit.io.FloatTensor;
import jvit.vit.io.Json;
import jvit.vit.io.Npy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile or careless user gives the command line: nothing is destroyed, nothing passes as
 * a good answer, every problem is one line with exit status 1, and one bad image loses no others.
 */
class HostileInputTest {
    static final Path SAMPLES = CliTest.MODELS.resolve("samples");

    @TempDir
    Path dir;

    @BeforeAll
    static void home() {
        System.setProperty("jvit.home", CliTest.MODELS.getParent().toString());
    }

    private Path images(int count, float value) {
        float[] x = new float[count * 28 * 28];
        java.util.Arrays.fill(x, value);
        Path file = dir.resolve("x" + count + ".npy");
        Npy.write(file, FloatTensor.of(x, count, 1, 28, 28));
        return file;
    }

    private Path copyOfDemoModel(String name) throws IOException {
        Path model = Files.createDirectories(dir.resolve(name));
        for (String f : List.of("config.json", "model.safetensors")) Files.copy(CliTest.DEMO.resolve(f), model.resolve(f));
        return model;
    }

    @Test
    void anOutputThatIsAnInputIsRefusedAndTheInputKept() throws IOException {
        Path input = images(2, 0.5f);
        byte[] before = Files.readAllBytes(input);
        String demo = CliTest.DEMO.toString();
        vit("forward", "--model", demo, "--device", "java", "--input", input.toString(), "--output", input.toString())
                .failsWith("--output", "is the input file", "give another file");
        Path link = Files.createSymbolicLink(dir.resolve("link.npy"), input);
        vit("forward", "--model", demo, "--device", "java", "--input", input.toString(), "--output", link.toString())
                .failsWith("is the input file");
        Path sub = Files.createDirectories(dir.resolve("sub"));
        vit("forward", "--model", demo, "--device", "java", "--input", input.toString(), "--output", sub.resolve("../x2.npy").toString())
                .failsWith("is the input file");
        assertArrayEquals(before, Files.readAllBytes(input), "the input is untouched");

        Path model = copyOfDemoModel("model");
        byte[] weights = Files.readAllBytes(model.resolve("model.safetensors"));
        vit("forward", "--model", model.toString(), "--device", "java", "--input", input.toString(),
                "--output", model.resolve("model.safetensors").toString()).failsWith("is the input file");
        assertArrayEquals(weights, Files.readAllBytes(model.resolve("model.safetensors")));
    }

    @Test
    void sizesBeyondWhatFitsAreUserErrorsBeforeAnyAllocation() throws IOException {
        // 1000006 is a multiple of the demo model's patch (7): only the token count is wrong.
        for (String size : List.of("1000006", "-32")) {
            Path model = copyOfDemoModel("size" + size);
            Path config = model.resolve("config.json");
            Files.writeString(config, Files.readString(config).replaceFirst("\"image_size\": *[0-9]+", "\"image_size\": " + size));
            vit("classify", "--model", model.toString(), "--device", "java", SAMPLES.toString()).failsWith("config.json");
        }
        // A negative channel count, with a preprocessor_config.json whose mean and std are filled per channel.
        Path channels = copyOfDemoModel("channels");
        Files.writeString(channels.resolve("preprocessor_config.json"), "{\"image_mean\": [0.5], \"image_std\": [0.5]}");
        Path config = channels.resolve("config.json");
        Files.writeString(config, Files.readString(config).replaceFirst("\"num_channels\": *[0-9]+", "\"num_channels\": -3"));
        vit("classify", "--model", channels.toString(), "--device", "java", SAMPLES.toString()).failsWith("config.json", "num_channels");

        Path empty = dir.resolve("empty.npy");
        Npy.write(empty, new FloatTensor(new long[] {0, 1, 28, 28}, Arena.global().allocate(0)));
        vit("forward", "--model", CliTest.DEMO.toString(), "--device", "java", "--input", empty.toString(),
                "--output", dir.resolve("y.npy").toString()).failsWith("empty.npy", "holds no images");

        // A 30000 × 30000 PNG is refused from its header: no pixel is decoded.
        Path huge = dir.resolve("huge.png");
        Files.write(huge, pngHeaderOnly(30000, 30000));
        vit("classify", "--model", CliTest.DEMO.toString(), "--device", "java", huge.toString()).failsWith("huge.png", "30000 × 30000", "scale it down");
    }

    @Test
    void oneBadImageLosesNoOthers() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("images"));
        List<Path> good;
        try (var samples = Files.list(SAMPLES)) {
            good = samples.sorted().limit(3).toList();
        }
        for (Path g : good) Files.copy(g, folder.resolve(g.getFileName()));
        byte[] png = Files.readAllBytes(good.getFirst());
        Files.write(folder.resolve("0001a-cut.png"), java.util.Arrays.copyOf(png, png.length / 2));
        Files.writeString(folder.resolve("0002a-text.png"), "not an image");

        CliTest.Result text = vit("classify", "--model", CliTest.DEMO.toString(), "--device", "java", "--batch", "2", folder.toString());
        assertEquals(1, text.status(), text.err());
        assertEquals(3, text.out().lines().count(), "every good image is classified: " + text.out());
        List<String> errors = text.err().lines().toList();
        assertEquals(3, errors.size(), text.err());
        assertTrue(errors.get(0).contains("0001a-cut.png"), errors.get(0));
        assertTrue(errors.get(1).contains("0002a-text.png"), errors.get(1));
        assertTrue(errors.get(2).contains("2 of 5 images could not be classified"), errors.get(2));

        CliTest.Result json = vit("classify", "--model", CliTest.DEMO.toString(), "--device", "java", "--json", folder.toString());
        assertEquals(1, json.status(), json.err());
        var lines = json.out().lines().map(l -> (Map<?, ?>) Json.parse(l)).toList();
        assertEquals(5, lines.size(), json.out());
        assertEquals(2, lines.stream().filter(l -> l.containsKey("error")).count(), json.out());
        assertTrue(lines.stream().filter(l -> l.containsKey("error")).allMatch(l -> l.get("image").toString().contains("a-")));
    }

    @Test
    void aTruncatedJpegIsRefused() throws IOException {
        var image = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) for (int x = 0; x < 64; x++) image.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | (x * y) & 0xFF);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "jpg", jpeg);
        Path cut = dir.resolve("cut.jpg");
        Files.write(cut, java.util.Arrays.copyOf(jpeg.toByteArray(), jpeg.size() * 2 / 3));
        vit("classify", "--model", CliTest.DEMO.toString(), "--device", "java", cut.toString()).failsWith("cut.jpg", "truncated");
    }

    @Test
    void nonFiniteWeightsAndOutputsAreRefused() throws IOException {
        Path model = copyOfDemoModel("nan");
        Path weights = model.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        // The file ends with float32 data: its last value becomes a NaN.
        System.arraycopy(new byte[] {0, 0, (byte) 0xc0, 0x7f}, 0, bytes, bytes.length - 4, 4);
        Files.write(weights, bytes);
        vit("classify", "--model", model.toString(), "--device", "java", SAMPLES.toString()).failsWith("model.safetensors", "NaN", "finite weights");

        Path input = images(3, 0.25f);
        float[] x = new float[3 * 28 * 28];
        x[28 * 28 + 17] = Float.NaN;
        Npy.write(input, FloatTensor.of(x, 3, 1, 28, 28));
        Path output = dir.resolve("logits.npy");
        vit("forward", "--model", CliTest.DEMO.toString(), "--device", "java", "--input", input.toString(), "--output", output.toString())
                .failsWith("sample 1", "non-finite", "input holds NaN");
        assertFalse(Files.exists(output), "nothing written");
    }

    /** A PNG signature and IHDR chunk of a grey 8-bit image of the given size, and no pixel data. */
    private static byte[] pngHeaderOnly(int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        DataOutputStream c = new DataOutputStream(chunk);
        c.writeBytes("IHDR");
        c.writeInt(width);
        c.writeInt(height);
        c.write(new byte[] {8, 0, 0, 0, 0});
        out.writeInt(13);
        out.write(chunk.toByteArray());
        CRC32 crc = new CRC32();
        crc.update(chunk.toByteArray());
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }
}
