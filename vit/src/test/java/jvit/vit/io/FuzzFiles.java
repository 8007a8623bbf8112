package jvit.vit.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import jvit.runtime.UserError;

/**
 * What the fuzz tests of the parsers of untrusted bytes share (NpyFuzzTest, SafetensorsFuzzTest,
 * ConfigJsonFuzzTest, ImageFuzzTest, IdxFuzzTest, CheckpointFuzzTest, and jvit.runtime.opencl's
 * KernelBinaryFuzzTest: Jazzer, seeded with real files
 * in {@code <Test>Inputs/<method>/}, one class each since Jazzer fuzzes one test per JVM). The
 * property: every input gives a result or a {@link UserError}, never another exception, a hang or
 * unbounded memory. {@code mvn test} replays the seeds and every finding kept there; bin/fuzz fuzzes.
 */
public final class FuzzFiles {
    private FuzzFiles() {}

    @FunctionalInterface
    public interface Parser {
        void parse(Path file) throws IOException;
    }

    /** A copy of a real file with up to four runs of up to 16 bytes overwritten, and perhaps cut short. */
    public static byte[] edited(byte[] intact, FuzzedDataProvider data) {
        byte[] bytes = intact.clone();
        int edits = data.consumeInt(0, 4);
        for (int e = 0; e < edits; e++) {
            int at = data.consumeInt(0, bytes.length - 1);
            byte[] with = data.consumeBytes(Math.min(16, bytes.length - at));
            System.arraycopy(with, 0, bytes, at, with.length);
        }
        return data.consumeBoolean() ? Arrays.copyOf(bytes, data.consumeInt(0, bytes.length)) : bytes;
    }

    /** Runs {@code parse} on the bytes as a file named {@code name}; a {@link UserError} is a correct answer. */
    public static void asFile(String name, byte[] bytes, Parser parse) throws IOException {
        Path dir = Files.createTempDirectory("jvit-fuzz");
        Path file = dir.resolve(name);
        try {
            Files.write(file, bytes);
            parse.parse(file);
        } catch (UserError expected) {
            // A clean refusal.
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
