package jvit.vit.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
