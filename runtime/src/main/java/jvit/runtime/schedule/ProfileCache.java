package jvit.runtime.schedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import jvit.runtime.Device;
import jvit.runtime.UserError;
import jvit.runtime.io.AtomicFile;
import jvit.runtime.io.UserCache;

/**
 * Device profiles kept between runs, one file per device model and driver, under the user's cache
 * directory ({@code $XDG_CACHE_HOME/jvit/profiles}, else {@code ~/.cache/jvit/profiles}). A device
 * is measured the first time a scheduler needs it, or when {@code vit devices --profile} asks.
 */
public final class ProfileCache {
    /** Bumped when what a profile measures changes, so that old files are measured again. */
    private static final String FORMAT = "4";

    private final Path directory;

    public ProfileCache(Path directory) {
        this.directory = directory;
    }

    /** The cache in the user's cache directory; {@code -Djvit.cache=DIR} puts it elsewhere (tests). */
    public static ProfileCache standard() {
        return new ProfileCache(UserCache.directory("profiles"));
    }

    /** What a profile is valid for: the backend, the device's name and its driver (the JDK, for java). */
    public static String key(Device device) {
        String backend = device.id().contains(":") ? device.id().substring(0, device.id().indexOf(':')) : device.id();
        String driver = device.properties().getOrDefault("driver", device.properties().getOrDefault("jdk", "?"));
        return backend + " | " + device.name() + " | " + driver;
    }

    /** The cached profile, or one measured now and cached. */
    public DeviceProfile profile(Device device) {
        return cached(device).orElseGet(() -> measure(device));
    }

    /** Measures the device and caches the result, replacing what was cached. */
    public DeviceProfile measure(Device device) {
        DeviceProfile p = DeviceProfiler.measure(device);
        store(p);
        return p;
    }

    public Optional<DeviceProfile> cached(Device device) {
        Path file = file(key(device));
        if (!Files.isRegularFile(file)) return Optional.empty();
        try (var in = Files.newInputStream(file)) {
            Properties p = new Properties();
            p.load(in);
            if (!key(device).equals(p.getProperty("key")) || !FORMAT.equals(p.getProperty("format"))) return Optional.empty();
            SortedMap<Integer, Double> gflops = new TreeMap<>();
            for (int n : DeviceProfiler.MATMUL_SIZES) gflops.put(n, number(p, "matmul_" + n + "_gflops"));
            return Optional.of(new DeviceProfile(key(device), gflops, number(p, "bandwidth_gbs"), number(p, "transfer_gbs"),
                    number(p, "launch_us"), number(p, "round_trip_us")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a damaged or foreign file: measure again, and overwrite it
        }
    }

    /** Where {@code key}'s profile lives. */
    public Path file(String key) {
        return directory.resolve(fileName(key));
    }

    /** The directory the profiles are kept in. */
    public Path directory() { return directory; }

    /** A file name for what is cached about a device {@code key}: readable, and unique by its hash. */
    static String fileName(String key) {
        String readable = key.replaceAll("[^A-Za-z0-9._-]+", "_");
        String hash = Integer.toHexString(key.hashCode());
        return readable.substring(0, Math.min(readable.length(), 80)) + "-" + hash + ".properties";
    }

    private void store(DeviceProfile profile) {
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("key", profile.key());
        profile.figures().forEach((name, value) -> p.setProperty(name, Double.toString(value)));
        try {
            Files.createDirectories(directory);
            AtomicFile.write(file(profile.key()), out -> p.store(out, "jvit device profile"));
        } catch (IOException | UserError e) {
            // A read-only home still runs: the profile is used, and measured again next time.
        }
    }

    private static double number(Properties p, String name) {
        String v = p.getProperty(name);
        if (v == null) throw new IllegalArgumentException("no " + name);
        return Double.parseDouble(v);
    }
}
