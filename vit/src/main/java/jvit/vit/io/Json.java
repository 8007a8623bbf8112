package jvit.vit.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jvit.runtime.UserError;
import jvit.runtime.io.IoErrors;

/**
 * Strict JSON (RFC 8259) to and from plain Java values: objects are {@code LinkedHashMap<String, Object>}
 * in file order, arrays {@code List<Object>}, numbers {@code Long} when written without fraction or
 * exponent (and in range) else {@code Double}, then {@code String}, {@code Boolean} and {@code null}.
 * Duplicate keys are refused: in a model file they mean corruption, not an override.
 */
public final class Json {
    /** Deeper nesting than this is refused rather than risking a stack overflow on hostile input. */
    static final int MAX_DEPTH = 512;

    /** Malformed JSON; the message starts with {@code line:column}. */
    public static final class SyntaxError extends IllegalArgumentException {
        private final int line;
        private final int column;

        SyntaxError(int line, int column, String problem) {
            super(line + ":" + column + ": " + problem);
            this.line = line;
            this.column = column;
        }

        public int line() { return line; }

        public int column() { return column; }
    }

    private Json() {}

    /** Parses a whole document: one value with only whitespace around it. */
    public static Object parse(String text) {
        return new JsonParser(text).document();
    }

    /**
     * Reads and parses a UTF-8 file (a leading byte-order mark is skipped). Any problem is a
     * {@link UserError} naming the file, with line and column for syntax errors.
     */
    public static Object read(Path file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw UserError.inFile(file, "not UTF-8 text, so not JSON; check that this is the right file");
        } catch (IOException e) {
            throw UserError.inFile(file, "cannot read: " + IoErrors.describe(e) + "; check the path and its permissions");
        }
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        try {
            return parse(text);
        } catch (SyntaxError e) {
            throw UserError.inFile(file, "invalid JSON at " + e.getMessage() + "; fix the file or export it again");
        }
    }

    /** Compact JSON: no whitespace at all. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        JsonWriter.value(out, value, -1, 0);
        return out.toString();
    }

    /** Indented JSON, two spaces a level, as Python's {@code json.dumps(indent=2)} writes it. */
    public static String writePretty(Object value) {
        StringBuilder out = new StringBuilder();
        JsonWriter.value(out, value, 2, 0);
        return out.toString();
    }

    /** One line of compact JSON for a value in an error message, cut short when long. */
    public static String brief(Object value) {
        String s = write(value);
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** The recursive-descent parser; one instance per document. */
    private static final class JsonParser {
        private final String text;
        private int pos;
        private int depth;

        JsonParser(String text) { this.text = text; }

        Object document() {
            skipWhitespace();
            Object value = value();
            skipWhitespace();
            if (pos < text.length()) throw error("unexpected " + describeHere() + " after the JSON value");
            return value;
        }

        private Object value() {
            if (pos >= text.length()) throw error("unexpected end of input, expected a value");
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw error("unexpected " + describeHere() + ", expected a value");
                }
            };
        }

        private Map<String, Object> object() {
            enter();
            pos++;
            Map<String, Object> map = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                depth--;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') throw error("unexpected " + describeHere() + ", expected a string key");
                int keyStart = pos;
                String key = string();
                if (map.containsKey(key)) {
                    pos = keyStart;
                    throw error("duplicate key " + write(key));
                }
                skipWhitespace();
                expect(':');
                skipWhitespace();
                map.put(key, value());
                skipWhitespace();
                char c = peek();
                pos++;
                if (c == '}') break;
                if (c != ',') {
                    pos--;
                    throw error("unexpected " + describeHere() + ", expected ',' or '}'");
                }
            }
            depth--;
            return map;
        }

        private List<Object> array() {
            enter();
            pos++;
            List<Object> list = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                depth--;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(value());
                skipWhitespace();
                char c = peek();
                pos++;
                if (c == ']') break;
                if (c != ',') {
                    pos--;
                    throw error("unexpected " + describeHere() + ", expected ',' or ']'");
                }
            }
            depth--;
            return list;
        }

        private String string() {
            pos++; // opening quote
            StringBuilder out = new StringBuilder();
            while (true) {
                if (pos >= text.length()) throw error("unterminated string");
                char c = text.charAt(pos);
                if (c == '"') {
                    pos++;
                    return out.toString();
                }
                if (c < 0x20) throw error("control character U+" + hex4(c) + " in a string; write it as an escape");
                if (c != '\\') {
                    out.append(c);
                    pos++;
                    continue;
                }
                pos++;
                if (pos >= text.length()) throw error("unterminated string");
                char e = text.charAt(pos);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    // Surrogate pairs arrive as two escapes, each one UTF-16 unit: appending both rebuilds the pair.
                    case 'u' -> {
                        out.append(hexEscape());
                        continue;
                    }
                    default -> throw error("invalid escape \\" + e);
                }
                pos++;
            }
        }

        /** The four hex digits after {@code \\u}; leaves {@code pos} after them. */
        private char hexEscape() {
            int start = pos - 1;
            int value = 0;
            for (int i = 1; i <= 4; i++) {
                int digit = pos + i < text.length() ? Character.digit(text.charAt(pos + i), 16) : -1;
                if (digit < 0) {
                    pos = start;
                    throw error("invalid \\u escape: expected four hex digits");
                }
                value = value * 16 + digit;
            }
            pos += 5;
            return (char) value;
        }

        private Object number() {
            int start = pos;
            boolean integral = true;
            if (peek() == '-') pos++;
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                digits();
            } else {
                throw error("invalid number: expected a digit");
            }
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!isDigit(peek())) throw error("invalid number: expected a digit after '.'");
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                pos++;
                if (peek() == '+' || peek() == '-') pos++;
                if (!isDigit(peek())) throw error("invalid number: expected a digit in the exponent");
                digits();
            }
            String literal = text.substring(start, pos);
            if (integral) {
                try {
                    return Long.parseLong(literal);
                } catch (NumberFormatException tooLarge) {
                    // Beyond 64 bits: kept as the nearest double, as JavaScript would.
                }
            }
            return Double.parseDouble(literal);
        }

        private void digits() {
            while (isDigit(peek())) pos++;
        }

        private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) throw error("unexpected " + describeHere() + ", expected a value");
            pos += word.length();
            return value;
        }

        private void enter() {
            if (++depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH + " levels");
        }

        private void expect(char c) {
            if (peek() != c) throw error("unexpected " + describeHere() + ", expected '" + c + "'");
            pos++;
        }

        /** The current character, or U+0000 at the end (never valid where a character is expected). */
        private char peek() { return pos < text.length() ? text.charAt(pos) : 0; }

        private void skipWhitespace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
                pos++;
            }
        }

        private String describeHere() {
            if (pos >= text.length()) return "end of input";
            char c = text.charAt(pos);
            return c >= 0x20 && c < 0x7f ? "'" + c + "'" : "character U+" + hex4(c);
        }

        private SyntaxError error(String problem) {
            int line = 1;
            int lineStart = 0;
            int end = Math.min(pos, text.length());
            for (int i = 0; i < end; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            return new SyntaxError(line, end - lineStart + 1, problem);
        }
    }

    /** Compact ({@code indent < 0}) or indented JSON for plain Java values. */
    private static final class JsonWriter {
        static void value(StringBuilder out, Object value, int indent, int level) {
            switch (value) {
                case null -> out.append("null");
                case String s -> string(out, s);
                case Boolean b -> out.append(b);
                case Long n -> out.append(n);
                case Integer n -> out.append(n);
                case Short n -> out.append(n);
                case Byte n -> out.append(n);
                case Double d -> out.append(finite(d, d.isNaN() || d.isInfinite()));
                // Float's own shortest form: 0.1f is written 0.1, not 0.10000000149011612.
                case Float f -> out.append(finite(f, f.isNaN() || f.isInfinite()));
                case Map<?, ?> map -> object(out, map, indent, level);
                case List<?> list -> array(out, list, indent, level);
                default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
            }
        }

        private static String finite(Number n, boolean notFinite) {
            if (notFinite) throw new IllegalArgumentException("JSON has no " + n);
            return n.toString();
        }

        private static void object(StringBuilder out, Map<?, ?> map, int indent, int level) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) throw new IllegalArgumentException("JSON keys are strings, got " + e.getKey());
                if (!first) out.append(',');
                first = false;
                newline(out, indent, level + 1);
                string(out, key);
                out.append(indent < 0 ? ":" : ": ");
                value(out, e.getValue(), indent, level + 1);
            }
            newline(out, indent, level);
            out.append('}');
        }

        private static void array(StringBuilder out, List<?> list, int indent, int level) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) out.append(',');
                newline(out, indent, level + 1);
                value(out, list.get(i), indent, level + 1);
            }
            newline(out, indent, level);
            out.append(']');
        }

        private static void newline(StringBuilder out, int indent, int level) {
            if (indent < 0) return;
            out.append('\n');
            out.repeat(' ', indent * level);
        }

        private static void string(StringBuilder out, String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        // A lone surrogate has no UTF-8 form: escaped, it survives the round trip.
                        boolean lone = Character.isHighSurrogate(c)
                                ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
                                : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
                        if (c < 0x20 || lone) out.append("\\u").append(hex4(c));
                        else out.append(c);
                    }
                }
            }
            out.append('"');
        }
    }

    static String hex4(int c) { return String.format("%04X", c); }
}
