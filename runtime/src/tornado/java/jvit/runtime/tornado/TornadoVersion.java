package jvit.runtime.tornado;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** The TornadoVM release in use, from the SDK's {@code etc/tornado.release}: for {@code vit devices} and benchmark records. */
public final class TornadoVersion {
    private TornadoVersion() {}

    /** e.g. {@code 5.2.0-jdk25 (commit db146ae)}, or why it is unknown. */
    public static String describe() {
        String home = System.getenv("TORNADOVM_HOME");
        if (home == null) return "unknown (TORNADOVM_HOME is not set)";
        Path release = Path.of(home, "etc", "tornado.release");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(release)) {
            p.load(r);
        } catch (IOException e) {
            return "unknown (" + release + " unreadable)";
        }
        return p.getProperty("version", "?") + " (commit " + p.getProperty("commit", "?") + ")";
    }
}
