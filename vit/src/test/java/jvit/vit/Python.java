package jvit.vit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Runs python3 scripts for cross-checks with NumPy and PIL. The interpreter is the first of
 * {@code $JVIT_PYTHON}, {@code python3} on the PATH and {@code /usr/bin/python3} (where bin/test
 * installs Debian's python3-numpy and python3-pil) that has the modules; a test is skipped where none has.
 */
public final class Python {
    private record Run(int status, String output) {}

    private static volatile String interpreter = "python3";

    private Python() {}

    /** Skips the calling test unless some interpreter can {@code import <modules>}; later {@link #check}s use it. */
    public static void assumeModules(String modules) {
        String env = System.getenv("JVIT_PYTHON");
        for (String candidate : env == null ? new String[] {"python3", "/usr/bin/python3"} : new String[] {env, "python3", "/usr/bin/python3"})
            if (run(candidate, Path.of("."), "import " + modules).status == 0) {
                interpreter = candidate;
                return;
            }
        assumeTrue(false, "no python3 with " + modules + " is available");
    }

    /** Runs {@code script} in {@code dir}, failing the test with python's output if it fails. */
    public static void check(Path dir, String script) {
        Run run = run(interpreter, dir, script);
        if (run.status != 0) throw new AssertionError(interpreter + " exited with " + run.status + ":\n" + run.output);
    }

    private static Run run(String python, Path dir, String script) {
        try {
            Process process = new ProcessBuilder(python, "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
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
