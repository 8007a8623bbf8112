package jvit.vit.hub;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jvit.runtime.UserError;
import jvit.runtime.io.IoErrors;

/**
 * Where the Hub and its cache are, read from the environment variables {@code huggingface_hub}
 * reads, with its defaults: {@code HF_ENDPOINT} (else {@code https://huggingface.co});
 * {@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else {@code $XDG_CACHE_HOME/huggingface/hub},
 * else {@code ~/.cache/huggingface/hub}; {@code HF_TOKEN}, else the token file
 * ({@code HF_TOKEN_PATH}, else {@code HF_HOME/token}) that {@code hf auth login} writes;
 * {@code HF_HUB_OFFLINE} (or {@code TRANSFORMERS_OFFLINE}) set to 1, ON, YES or TRUE;
 * {@code HF_HUB_ETAG_TIMEOUT} (for a file's metadata) and {@code HF_HUB_DOWNLOAD_TIMEOUT} (the
 * longest wait for a download's next bytes), in seconds, 10 each by default.
 */
public record HubSettings(URI endpoint, Path cache, String token, boolean offline, Duration etagTimeout, Duration downloadTimeout) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

    /** With {@code huggingface_hub}'s default timeouts. */
    public HubSettings(URI endpoint, Path cache, String token, boolean offline) {
        this(endpoint, cache, token, offline, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT);
    }

    /** The settings the process's environment gives. */
    public static HubSettings fromEnvironment() {
        return from(System.getenv());
    }

    public static HubSettings from(Map<String, String> env) {
        String home = System.getProperty("user.home");
        Path hfHome = env.containsKey("HF_HOME") ? expand(env.get("HF_HOME"), home)
                : (env.containsKey("XDG_CACHE_HOME") ? expand(env.get("XDG_CACHE_HOME"), home) : Path.of(home, ".cache")).resolve("huggingface");
        String cache = firstSet(env, "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE");
        Path tokenFile = env.containsKey("HF_TOKEN_PATH") ? expand(env.get("HF_TOKEN_PATH"), home) : hfHome.resolve("token");
        String token = clean(firstSet(env, "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"));
        if (token == null) token = tokenFile(tokenFile);
        return new HubSettings(endpoint(env.get("HF_ENDPOINT")), cache != null ? expand(cache, home) : hfHome.resolve("hub"), token,
                isTrue(firstSet(env, "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")), seconds(env, "HF_HUB_ETAG_TIMEOUT"),
                seconds(env, "HF_HUB_DOWNLOAD_TIMEOUT"));
    }

    /** A timeout in whole seconds; unset or 0 is the default, as {@code huggingface_hub}'s {@code _as_int(...) or 10} has it. */
    private static Duration seconds(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) return DEFAULT_TIMEOUT;
        try {
            int seconds = Integer.parseInt(value.strip());
            if (seconds >= 0) return seconds == 0 ? DEFAULT_TIMEOUT : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError(name + " '" + value + "' is not a whole number of seconds; set it to one (e.g. 60) or unset it");
    }

    /** The first of two variables that is set and not empty, as Python's {@code os.environ.get(a) or os.environ.get(b)} gives. */
    private static String firstSet(Map<String, String> env, String first, String second) {
        String value = env.get(first);
        return value != null && !value.isEmpty() ? value : env.get(second);
    }

    private static URI endpoint(String value) {
        if (value == null || value.isBlank()) return URI.create(DEFAULT_ENDPOINT);
        String trimmed = value.strip().replaceAll("/+$", "");
        try {
            URI uri = new URI(trimmed);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) return uri;
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new UserError("HF_ENDPOINT '" + value + "' is not an http(s) URL; set it to the Hub's address (e.g. "
                + DEFAULT_ENDPOINT + ") or unset it");
    }

    private static Path expand(String path, String home) {
        return path.equals("~") ? Path.of(home) : path.startsWith("~/") ? Path.of(home, path.substring(2)) : Path.of(path);
    }

    private static String tokenFile(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return clean(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw UserError.inFile(file, "cannot read the Hugging Face token: " + IoErrors.describe(e)
                    + "; fix its permissions, or set HF_TOKEN");
        }
    }

    private static String clean(String token) {
        return token == null || token.isBlank() ? null : token.strip();
    }

    private static boolean isTrue(String value) {
        return value != null && TRUE.contains(value.strip().toUpperCase(Locale.ROOT));
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "HubSettings[endpoint=" + endpoint + ", cache=" + cache + ", token=" + (token == null ? "none" : "set") + ", offline=" + offline
                + ", etagTimeout=" + etagTimeout + ", downloadTimeout=" + downloadTimeout + "]";
    }
}
