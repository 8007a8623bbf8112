package jvit.vit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jvit.runtime.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {
    @TempDir
    Path dir;

    @Test
    void parsesEveryKindOfValue() {
        Object parsed = Json.parse(" {\"a\": [1, -2, 3.5, 1e3, -0, 0.0, true, false, null], \"b\": {}, \"c\": [], \"d\": \"x\"} ");
        Map<?, ?> map = assertInstanceOf(LinkedHashMap.class, parsed);
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(map.keySet()));
        List<Object> a = new ArrayList<>((List<?>) map.get("a"));
        assertEquals(Arrays.asList(1L, -2L, 3.5, 1000.0, 0L, 0.0, true, false, null), a);
        assertEquals(Map.of(), map.get("b"));
        assertEquals(List.of(), map.get("c"));
        assertEquals("x", map.get("d"));
    }

    @Test
    void numbersAreLongWhenIntegralAndDoubleOtherwise() {
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(1e-12, Json.parse("1e-12"));
        assertEquals(1.0, Json.parse("1.0"));
        assertEquals(100.0, Json.parse("1E+2"));
        // Beyond 64 bits an integer can only be kept approximately.
        assertEquals(1e19, Json.parse("10000000000000000000"));
    }

    @Test
    void decodesAllEscapesIncludingSurrogatePairs() {
        assertEquals("\"\\/\b\f\n\r\t", Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
        assertEquals("é€", Json.parse("\"\\u00e9\\u20AC\""));
        assertEquals("😀", Json.parse("\"\\ud83d\\ude00\""));
        assertEquals("😀 ünï", Json.parse("\"😀 ünï\""));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "''                       | 1:1: unexpected end of input, expected a value",
            "'{\"a\": 1,}'            | 1:9: Unexpected character ('}' (code 125)): was expecting double-quote to start property name",
            "'[1, 2'                  | 1:6: Unexpected end-of-input: expected close marker for Array",
            "'[1 2]'                  | 1:4: Unexpected character ('2' (code 50)): was expecting comma to separate Array entries",
            "'{\"a\" 1}'              | 1:6: Unexpected character ('1' (code 49)): was expecting a colon to separate property name and value",
            "'{\"a\": 1, \"a\": 2}'   | 1:13: Duplicate Object property \"a\"",
            "'01'                     | 1:2: Invalid numeric value: Leading zeroes not allowed",
            "'1.'                     | 1:2: Unexpected character ('.' (code 46)) in numeric value: Decimal point not followed by a digit",
            "'1e'                     | 1:3: Unexpected end-of-input: expected a digit for number exponent",
            "'-'                      | 1:2: Unexpected end-of-input: No digit following sign",
            "'+1'                     | 1:2: Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs",
            "'NaN'                    | 1:4: Non-standard token 'NaN'",
            "'tru'                    | 1:1: Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
            "'\"abc'                  | 1:5: Unexpected end-of-input: was expecting closing quote for a string value",
            "'\"\\x\"'                | 1:3: Unrecognized character escape 'x' (code 120)",
            "'\"\\u12G4\"'            | 1:6: Unexpected character ('G' (code 71)): expected a hex-digit for character escape sequence",
            "'{\"a\": 1} x'           | 1:10: Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
            "'{\"a\": 1} 2'           | 1:10: unexpected '2' after the JSON value",
            "'[1,\\n 2,\\n  ]'        | 3:3: Unexpected character (']' (code 93)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
    })
    void reportsLineAndColumnOfSyntaxErrors(String text, String message) {
        Json.SyntaxError e = assertThrows(Json.SyntaxError.class, () -> Json.parse(text.replace("\\n", "\n")));
        assertEquals(message, e.getMessage());
    }

    @Test
    void refusesRawControlCharactersInStrings() {
        Json.SyntaxError e = assertThrows(Json.SyntaxError.class, () -> Json.parse("\"a\nb\""));
        assertEquals("1:3: Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included in string value",
                e.getMessage());
    }

    @Test
    void refusesHostileNesting() {
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        Json.SyntaxError e = assertThrows(Json.SyntaxError.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().endsWith("Document nesting depth (513) exceeds the maximum allowed (512)"), e.getMessage());
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertInstanceOf(List.class, Json.parse(ok));
    }

    @Test
    void writesCompactAndPrettyAndRoundTrips() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "a \"quoted\"\\ line\nwith\ttab \u0001 é 😀 and a lone \ud800 surrogate");
        value.put("ints", List.of(0L, -1L, Long.MAX_VALUE));
        value.put("doubles", List.of(0.5, 1e-12, -3.25e300, 100.0));
        value.put("flags", Arrays.asList(true, false, null));
        value.put("empty", Map.of());
        value.put("none", List.of());
        value.put("nested", Map.of("k", List.of(Map.of("x", 1L))));
        String compact = Json.write(value);
        assertEquals(value, Json.parse(compact));
        assertTrue(compact.startsWith("{\"name\":\"a \\\"quoted\\\"\\\\ line\\nwith\\ttab \\u0001 é 😀 and a lone \\uD800 surrogate\","), compact);
        assertEquals(value, Json.parse(Json.writePretty(value)));
        Map<String, Object> small = new LinkedHashMap<>();
        small.put("a", List.of(1L, 2L));
        small.put("b", Map.of());
        assertEquals("{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}", Json.writePretty(small));
    }

    @Test
    void writesFloatsInTheirShortestForm() {
        assertEquals("[0.1,1,2.5]", Json.write(List.of(0.1f, 1, 2.5)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }

    @Test
    void readNamesTheFileInOneLine() throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\n  \"a\": 1\n  \"b\": 2\n}");
        UserError e = assertThrows(UserError.class, () -> Json.read(file));
        assertEquals(file + ": invalid JSON at 3:3: Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries;"
                + " fix the file or export it again",
                e.getMessage());

        Files.write(file, new byte[] {'"', (byte) 0xC3, '"'});
        assertEquals(file + ": not UTF-8 text, so not JSON; check that this is the right file",
                assertThrows(UserError.class, () -> Json.read(file)).getMessage());

        Path missing = dir.resolve("missing.json");
        assertEquals(missing + ": cannot read: no such file or folder; check the path and its permissions",
                assertThrows(UserError.class, () -> Json.read(missing)).getMessage());
    }

    @Test
    void readRefusesADocumentPastTheBoundBeforeParsingIt() throws IOException {
        Path file = dir.resolve("huge.json");
        try (var out = Files.newOutputStream(file)) {
            out.write('[');
            byte[] zeros = "0,".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
            for (long written = 1; written <= Json.MAX_DOCUMENT; written += zeros.length) out.write(zeros);
            out.write('0');
            out.write(']');
        }
        assertEquals(file + ": is larger than 100000000 bytes, more than any JSON file jvit reads; check that this is the right file",
                assertThrows(UserError.class, () -> Json.read(file)).getMessage());
    }

    @Test
    void refusesNumbersLongerThanTheBound() {
        Json.SyntaxError e = assertThrows(Json.SyntaxError.class, () -> Json.parse("1" + "0".repeat(Json.MAX_NUMBER)));
        assertTrue(e.getMessage().contains("exceeds the maximum"), e.getMessage());
    }

    @Test
    void readSkipsAByteOrderMark() throws IOException {
        Path file = dir.resolve("bom.json");
        Files.write(file, "\uFEFF{\"a\": 1}".getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of("a", 1L), Json.read(file));
    }

    @Test
    void nullValueIsKept() {
        Map<?, ?> map = (Map<?, ?>) Json.parse("{\"a\": null}");
        assertTrue(map.containsKey("a"));
        assertNull(map.get("a"));
    }
}
