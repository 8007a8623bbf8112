package jvit.vit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs python3 scripts for cross-checks with NumPy and PIL; a test is skipped where python3 or the modules are missing. */
public final class Python {
    private record Run(int status, String output) {}

    private Python() {}

    /** Skips the calling test unless {@code python3 -c "import <modules>"} succeeds. */
    public static void assumeModules(String modules) {
        assumeTrue(run(Path.of("."), "import " + modules).status == 0, "python3 with " + modules + " is not available");
    }

    /** Runs {@code script} in {@code dir}, failing the test with python's output if it fails. */
    public static void check(Path dir, String script) {
        Run run = run(dir, script);
        if (run.status != 0) throw new AssertionError("python3 exited with " + run.status + ":\n" + run.output);
    }

    private static Run run(Path dir, String script) {
        try {
            Process process = new ProcessBuilder("python3", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Run(process.waitFor(), output);
        } catch (IOException e) {
            return new Run(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(-1, "interrupted");
        }
    }
}
