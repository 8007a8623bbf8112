package jvit.vit.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jvit.runtime.UserError;

/**
 * Typed reads from a JSON object in a file, for config files: each getter either returns a value of
 * the right type or throws a one-line {@link UserError} that names the file and the key. A key set
 * to {@code null} counts as absent, as it does for the Python libraries that write these files.
 */
public final class JsonFields {
    private final Path file;
    private final String prefix;
    private final Map<String, Object> map;

    private JsonFields(Path file, String prefix, Map<String, Object> map) {
        this.file = file;
        this.prefix = prefix;
        this.map = map;
    }

    /** Parses {@code file}, which must hold a JSON object. */
    public static JsonFields read(Path file) {
        Object value = Json.read(file);
        if (!(value instanceof Map<?, ?>)) {
            throw UserError.inFile(file, "holds " + Json.brief(value) + ", not a JSON object; check that this is the right file");
        }
        return new JsonFields(file, "", cast(value));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object map) { return (Map<String, Object>) map; }

    public Path file() { return file; }

    public boolean has(String key) { return map.get(key) != null; }

    /** The value as parsed ({@link Json}'s types), or {@code null}. */
    public Object get(String key) { return map.get(key); }

    public String string(String key) {
        if (require(key) instanceof String s) return s;
        throw wrongType(key, "a string");
    }

    public String string(String key, String fallback) { return has(key) ? string(key) : fallback; }

    public int integer(String key, int fallback) {
        if (!has(key)) return fallback;
        if (map.get(key) instanceof Long n && n == n.intValue()) return n.intValue();
        throw wrongType(key, "an integer");
    }

    public double number(String key, double fallback) {
        if (!has(key)) return fallback;
        if (map.get(key) instanceof Number n) return n.doubleValue();
        throw wrongType(key, "a number");
    }

    public boolean bool(String key, boolean fallback) {
        if (!has(key)) return fallback;
        if (map.get(key) instanceof Boolean b) return b;
        throw wrongType(key, "true or false");
    }

    /** A list of numbers, e.g. a per-channel mean. */
    public float[] floats(String key, float[] fallback) {
        if (!has(key)) return fallback.clone();
        if (!(map.get(key) instanceof List<?> list)) throw wrongType(key, "a list of numbers");
        float[] values = new float[list.size()];
        for (int i = 0; i < values.length; i++) {
            if (!(list.get(i) instanceof Number n)) throw wrongType(key, "a list of numbers");
            values[i] = n.floatValue();
        }
        return values;
    }

    /** A list of integers, e.g. an input size. */
    public int[] integers(String key, int[] fallback) {
        if (!has(key)) return fallback.clone();
        if (!(map.get(key) instanceof List<?> list)) throw wrongType(key, "a list of integers");
        int[] values = new int[list.size()];
        for (int i = 0; i < values.length; i++) {
            if (!(list.get(i) instanceof Long n) || n != n.intValue()) throw wrongType(key, "a list of integers");
            values[i] = n.intValue();
        }
        return values;
    }

    /** A list of strings, e.g. class names. */
    public List<String> strings(String key) {
        if (!(require(key) instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw wrongType(key, "a list of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }

    /** A nested object; an absent one reads as empty, so that its own fallbacks apply. */
    public JsonFields object(String key) {
        if (!has(key)) return new JsonFields(file, prefix + key + ".", Map.of());
        if (map.get(key) instanceof Map<?, ?> nested) return new JsonFields(file, prefix + key + ".", cast(nested));
        throw wrongType(key, "an object");
    }

    /** The nested object's entries as parsed. */
    public Map<String, Object> entries() { return map; }

    /** A problem with this file, as a one-line error: {@code file: problem}. */
    public UserError error(String problem) {
        return UserError.inFile(file, problem);
    }

    /** The key as the message shows it, with the path of enclosing objects: {@code "pretrained_cfg.crop_pct"}. */
    public String name(String key) { return "\"" + prefix + key + "\""; }

    private Object require(String key) {
        if (!has(key)) throw error("has no " + name(key) + "; add it or export the file again");
        return map.get(key);
    }

    private UserError wrongType(String key, String expected) {
        return error(name(key) + " is " + Json.brief(map.get(key)) + ", not " + expected + "; fix the file");
    }
}
