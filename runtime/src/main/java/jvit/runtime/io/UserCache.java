package jvit.runtime.io;

import java.nio.file.Path;

/**
 * jvit's folders in the user's cache directory: {@code $XDG_CACHE_HOME/jvit/NAME}, else
 * {@code ~/.cache/jvit/NAME}; {@code -Djvit.cache=DIR} puts them in {@code DIR/NAME} (tests).
 * What is kept there can be deleted at any time: it is measured or checked again.
 */
public final class UserCache {
    private UserCache() {}

    public static Path directory(String name) {
        String override = System.getProperty("jvit.cache");
        if (override != null) return Path.of(override, name);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jvit").resolve(name);
    }
}
