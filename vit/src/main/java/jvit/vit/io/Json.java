package jvit.vit.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
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
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;

/**
 * Strict JSON (RFC 8259) to and from plain Java values, read and written by Jackson's streaming core: objects are {@code LinkedHashMap<String, Object>}
 * in file order, arrays {@code List<Object>}, numbers {@code Long} when written without fraction or
 * exponent (and in range) else {@code Double}, then {@code String}, {@code Boolean} and {@code null}.
 * Duplicate keys are refused: in a model file they mean corruption, not an override.
 */
public final class Json {
    /** Deeper nesting than this is refused rather than risking a stack overflow on hostile input. */
    static final int MAX_DEPTH = 512;
    /** The longest document read, in characters: a safetensors header may hold up to 100 MB ({@link Safetensors#MAX_HEADER_BYTES}). */
    static final int MAX_DOCUMENT = 100_000_000;
    /** The longest number: longer ones only cost parse time (quadratic for big numbers), no file of jvit's needs them. */
    static final int MAX_NUMBER = 1000;
    /** Values and names in a document, at most: a bound on the objects a hostile file can make jvit allocate. */
    static final long MAX_TOKENS = 20_000_000;

    /**
     * RFC 8259 and nothing more (no comments, NaN, single quotes, leading zeros or trailing commas:
     * Jackson's defaults), duplicate keys refused, sizes bounded; text written as Python's json
     * module writes it ({@code /} and non-ASCII as they are, escapes in upper-case hex).
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxDocumentLength(MAX_DOCUMENT)
                    .maxStringLength(MAX_DOCUMENT).maxNameLength(MAX_DOCUMENT).maxNumberLength(MAX_NUMBER)
                    .maxTokenCount(MAX_TOKENS).build())
            .disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
            .enable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .build();

    /** Python's {@code indent=2}: a line per member, {@code ": "} after names, {@code {}} and {@code []} when empty. */
    private static final ObjectWriteContext PRETTY = new ObjectWriteContext.Base() {
        private final DefaultIndenter twoSpaces = new DefaultIndenter("  ", "\n");
        private final PrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectNameValueSpacing(Separators.Spacing.AFTER).withObjectEmptySeparator("").withArrayEmptySeparator(""))
                .withObjectIndenter(twoSpaces).withArrayIndenter(twoSpaces);

        @Override
        public PrettyPrinter getPrettyPrinter() {
            return ((DefaultPrettyPrinter) printer).createInstance();
        }

        @Override
        public boolean hasPrettyPrinter() { return true; }
    };

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
        try (JsonParser in = FACTORY.createParser(ObjectReadContext.empty(), text)) {
            JsonToken first = in.nextToken();
            if (first == null) throw new SyntaxError(1, 1, "unexpected end of input, expected a value");
            Object value = value(in, first);
            if (in.nextToken() != null) {
                TokenStreamLocation at = in.currentTokenLocation();
                throw new SyntaxError(at.getLineNr(), at.getColumnNr(), "unexpected '" + in.getString() + "' after the JSON value");
            }
            return value;
        } catch (JacksonException e) {
            throw syntaxError(e);
        }
    }

    /**
     * Reads and parses a UTF-8 file (a leading byte-order mark is skipped). Any problem is a
     * {@link UserError} naming the file, with line and column for syntax errors.
     */
    public static Object read(Path file) {
        String text;
        try {
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_DOCUMENT + 1); // bounded: the file may be a device or a FIFO with no end
            }
            if (bytes.length > MAX_DOCUMENT)
                throw UserError.inFile(file, "is larger than " + MAX_DOCUMENT + " bytes, more than any JSON file jvit reads;"
                        + " check that this is the right file");
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
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
        return write(value, ObjectWriteContext.empty());
    }

    /** Indented JSON, two spaces a level, as Python's {@code json.dumps(indent=2)} writes it. */
    public static String writePretty(Object value) {
        return write(value, PRETTY);
    }

    private static String write(Object value, ObjectWriteContext context) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = FACTORY.createGenerator(context, text)) {
            value(out, value);
        }
        return escapeLoneSurrogates(text.toString());
    }

    /** One line of compact JSON for a value in an error message, cut short when long. */
    public static String brief(Object value) {
        String s = write(value);
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** Builds plain Java values from Jackson's tokens; recursion is bounded by {@link #MAX_DEPTH}. */
    private static Object value(JsonParser in, JsonToken token) {
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken t = in.nextToken(); t == JsonToken.PROPERTY_NAME; t = in.nextToken()) {
                    String key = in.currentName();
                    map.put(key, value(in, in.nextToken()));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = in.nextToken(); t != JsonToken.END_ARRAY; t = in.nextToken()) list.add(value(in, t));
                yield list;
            }
            case VALUE_STRING -> in.getString();
            // Beyond 64 bits an integer is kept as the nearest double, as JavaScript would.
            case VALUE_NUMBER_INT -> in.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) in.getDoubleValue() : (Object) in.getLongValue();
            case VALUE_NUMBER_FLOAT -> in.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalStateException("Jackson gave " + token + " where a value starts");
        };
    }

    /**
     * Jackson's problem in one line, without what is about Jackson rather than the file: where its
     * source is (the message says where), its settings and how to change them.
     */
    private static SyntaxError syntaxError(JacksonException e) {
        String problem = e.getOriginalMessage()
                .replaceAll(" ?\\(start marker at \\[Source: [^\\]]*]\\)", "")
                .replaceAll(", from `[^`]*`", "")
                .replaceAll(": enable `[^`]*` to allow", "")
                .replaceAll("end-of-input(?=[A-Za-z])", "end-of-input: ")
                .replaceAll("\\s+", " ").strip();
        TokenStreamLocation at = e.getLocation();
        return at == null ? new SyntaxError(1, 1, problem) : new SyntaxError(Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()), problem);
    }

    /** Writes {@code value} through Jackson's generator. */
    private static void value(JsonGenerator out, Object value) {
        switch (value) {
            case null -> out.writeNull();
            case String s -> out.writeString(s);
            case Boolean b -> out.writeBoolean(b);
            case Long n -> out.writeNumber(n);
            case Integer n -> out.writeNumber(n);
            case Short n -> out.writeNumber(n);
            case Byte n -> out.writeNumber(n);
            case Double d -> out.writeNumber(finite(d, d.isNaN() || d.isInfinite()));
            // Float's own shortest form: 0.1f is written 0.1, not 0.10000000149011612.
            case Float f -> out.writeNumber(finite(f, f.isNaN() || f.isInfinite()));
            case Map<?, ?> map -> {
                out.writeStartObject();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String key)) throw new IllegalArgumentException("JSON keys are strings, got " + e.getKey());
                    out.writeName(key);
                    value(out, e.getValue());
                }
                out.writeEndObject();
            }
            case List<?> list -> {
                out.writeStartArray();
                for (Object element : list) value(out, element);
                out.writeEndArray();
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static <N extends Number> N finite(N n, boolean notFinite) {
        if (notFinite) throw new IllegalArgumentException("JSON has no " + n);
        return n;
    }

    /**
     * A lone surrogate has no UTF-8 form, and Jackson copies it into the text as it is: escaped, it
     * survives the round trip. Outside strings JSON text is ASCII, so every one found is in a string.
     */
    private static String escapeLoneSurrogates(String json) {
        StringBuilder out = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            boolean lone = Character.isHighSurrogate(c)
                    ? i + 1 >= json.length() || !Character.isLowSurrogate(json.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(json.charAt(i - 1)));
            if (lone && out == null) out = new StringBuilder(json.length() + 5).append(json, 0, i);
            if (out != null) {
                if (lone) out.append("\\u").append(hex4(c));
                else out.append(c);
            }
        }
        return out == null ? json : out.toString();
    }

    static String hex4(int c) { return String.format("%04X", c); }
}
