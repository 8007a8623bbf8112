package jvit.vit;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import jvit.vit.io.Json;
import jvit.vit.io.JsonFields;

/**
 * Every field a config may hold, sorted into three kinds, so that none is ignored by accident:
 * those jvit reads, those that cannot change the logits (training-only settings such as dropout
 * and initialisation, bookkeeping such as versions), and switches jvit refuses unless they hold
 * the value that means "off". A field of none of the kinds is refused: jvit cannot tell it is harmless.
 */
final class ConfigFields {
    /** A switch of the architecture that jvit runs only in the positions {@code off}. */
    record Switch(String key, String what, List<?> off) {
        static Switch off(String key, String what, Object... off) { return new Switch(key, what, Arrays.asList(off)); }
    }

    private final String kind;
    private final Set<String> read;
    private final Set<String> harmless;
    private final List<Switch> refused;

    ConfigFields(String kind, Set<String> read, Set<String> harmless, List<Switch> refused) {
        this.kind = kind;
        this.read = read;
        this.harmless = harmless;
        this.refused = refused;
    }

    /** The fields that cannot change the logits. */
    Set<String> harmless() { return harmless; }

    /** Refuses the first field of {@code c} that is neither read nor harmless, and every refused switch that is on. */
    void check(JsonFields c) {
        Map<String, Switch> switches = new java.util.HashMap<>();
        for (Switch s : refused) switches.put(s.key(), s);
        for (Map.Entry<String, Object> e : c.entries().entrySet()) {
            String key = e.getKey();
            Switch s = switches.get(key);
            if (s != null) {
                if (s.off().stream().noneMatch(off -> same(off, e.getValue())))
                    throw c.error(c.name(key) + " is " + Json.brief(e.getValue()) + ": jvit does not implement " + s.what()
                            + ", so it refuses the model rather than run it wrong");
            } else if (!read.contains(key) && !harmless.contains(key)) {
                throw c.error(c.name(key) + " is not a field jvit knows in " + kind + ", so it cannot tell whether it"
                        + " changes the model's output and refuses it; remove the field if it does not");
            }
        }
    }

    /** JSON equality, with 0 and 0.0 the same number. */
    private static boolean same(Object off, Object value) {
        if (off instanceof Number a && value instanceof Number b) return a.doubleValue() == b.doubleValue();
        return Objects.equals(off, value);
    }
}
