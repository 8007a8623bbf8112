package jvit.vit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs a python3 script for cross-checks with NumPy and PIL; the test is skipped where python3 or the modules are missing. */
public final class Python {
    private Python() {}

    /** Skips the calling test unless {@code python3 -c "import <modules>"} succeeds. */
    public static void assumeModules(String modules) {
        assumeTrue(run(Path.of("."), "import " + modules) == 0, "python3 with " + modules + " is not available");
    }

    /** Runs {@code script} in {@code dir}, returning the exit status (-1 if python3 cannot be started). */
    public static int run(Path dir, String script) {
        try {
            Process process = new ProcessBuilder("python3", "-c", script).directory(dir.toFile())
                    .redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            int status = process.waitFor();
            if (status != 0) System.err.println(new String(output, StandardCharsets.UTF_8));
            return status;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Runs {@code script} in {@code dir}, failing the test if it fails. */
    public static void check(Path dir, String script) {
        int status = run(dir, script);
        if (status != 0) throw new AssertionError("python3 exited with " + status + " running:\n" + script);
    }
}
