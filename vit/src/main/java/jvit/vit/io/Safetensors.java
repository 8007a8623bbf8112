package jvit.vit.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import jvit.runtime.UserError;
import jvit.runtime.io.AtomicFile;
import jvit.runtime.io.IoErrors;

/**
 * A safetensors file, memory-mapped: an 8-byte little-endian header length {@code N}, {@code N}
 * bytes of JSON ({@code {"__metadata__": {...}?, name: {"dtype", "shape", "data_offsets"}}}), then
 * the tensors' bytes, with offsets counted from the end of the header. The header is checked in full
 * on opening, so a corrupt file fails there with one line naming the file and the problem.
 *
 * <p>F32 tensors are returned as slices of the mapping, not copied; F16, BF16 and F64 tensors are
 * converted to float32 once, into the arena, on first use. The segments live as long as the arena:
 * the caller's, or this object's own (shared, so that kernel threads can read them) until {@link #close}.
 */
public final class Safetensors implements AutoCloseable {
    /** The reference implementation's limit: a longer header means a corrupt length field. */
    public static final long MAX_HEADER_BYTES = 100_000_000;

    private static final String METADATA = "__metadata__";
    private static final String CORRUPT = "; the file is truncated or corrupt — download or export it again";
    private static final String SUPPORTED = "F32, F16, BF16 and F64";
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Every dtype the format defines, with its size in bytes; jvit reads the float ones among them. */
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("F8_E5M2", 1),
            Map.entry("F8_E4M3", 1), Map.entry("F8_E8M0", 1), Map.entry("I16", 2), Map.entry("U16", 2),
            Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
            Map.entry("F64", 8), Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("C64", 8));

    private record Entry(String name, String dtype, long[] shape, long begin, long end) {
        String offsets() { return "[" + begin + ", " + end + "]"; }
    }

    private final Path path;
    private final Arena arena;
    private final boolean ownsArena;
    private final MemorySegment data;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;
    private final Map<String, MemorySegment> converted = new ConcurrentHashMap<>();

    private Safetensors(Path path, Arena arena, boolean ownsArena, MemorySegment data, Map<String, Entry> entries,
                        Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.ownsArena = ownsArena;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Maps {@code file} into an arena of its own, released by {@link #close}. */
    public static Safetensors open(Path file) {
        Arena arena = Arena.ofShared();
        try {
            return open(file, arena, true);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Maps {@code file} into {@code arena}; the tensors stay valid until the caller closes it. */
    public static Safetensors open(Path file, Arena arena) {
        return open(file, arena, false);
    }

    private static Safetensors open(Path file, Arena arena, boolean ownsArena) {
        if (Files.isDirectory(file)) throw UserError.inFile(file, "is a folder, not a safetensors file; give the .safetensors file in it");
        MemorySegment mapped;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw UserError.inFile(file, "the file is " + size + " bytes, too short for a safetensors header" + CORRUPT);
            }
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (IOException e) {
            throw UserError.inFile(file, "cannot read: " + IoErrors.describe(e) + "; check the path and its permissions");
        }
        long headerBytes = mapped.get(LE_LONG, 0);
        // As unsigned, a negative length is beyond 2^63: absurd too.
        if (headerBytes < 0 || headerBytes > MAX_HEADER_BYTES) {
            throw UserError.inFile(file, "header length " + Long.toUnsignedString(headerBytes) + " is absurd (over "
                    + MAX_HEADER_BYTES + " bytes); the file is corrupt or not safetensors — download or export it again");
        }
        if (8 + headerBytes > mapped.byteSize()) {
            throw UserError.inFile(file, "header length " + headerBytes + " runs past the end of the " + mapped.byteSize()
                    + "-byte file" + CORRUPT);
        }
        Map<String, Object> header = header(file, mapped.asSlice(8, headerBytes));
        MemorySegment data = mapped.asSlice(8 + headerBytes);
        Map<String, String> metadata = Map.of();
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals(METADATA)) metadata = metadata(file, e.getValue());
            else entries.put(e.getKey(), entry(file, e.getKey(), e.getValue(), data.byteSize()));
        }
        checkNoOverlap(file, entries.values());
        return new Safetensors(file, arena, ownsArena, data, Collections.unmodifiableMap(entries), metadata);
    }

    private static Map<String, Object> header(Path file, MemorySegment bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(bytes.asByteBuffer()).toString();
        } catch (CharacterCodingException e) {
            throw UserError.inFile(file, "header is not UTF-8 text; the file is corrupt or not safetensors — download or export it again");
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (Json.SyntaxError e) {
            throw UserError.inFile(file, "header is not valid JSON (at " + e.getMessage() + ")" + CORRUPT);
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw UserError.inFile(file, "header is " + Json.brief(parsed) + ", not a JSON object" + CORRUPT);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) map;
        return header;
    }

    private static Map<String, String> metadata(Path file, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw UserError.inFile(file, "__metadata__ is " + Json.brief(value) + ", not an object of strings" + CORRUPT);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw UserError.inFile(file, "__metadata__ entry '" + e.getKey() + "' is " + Json.brief(e.getValue())
                        + ", not a string" + CORRUPT);
            }
            metadata.put((String) e.getKey(), s);
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static Entry entry(Path file, String name, Object value, long dataBytes) {
        String tensor = "tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> fields)) {
            throw UserError.inFile(file, tensor + " is " + Json.brief(value) + ", not an object" + CORRUPT);
        }
        for (String field : List.of("dtype", "shape", "data_offsets")) {
            if (!fields.containsKey(field)) throw UserError.inFile(file, tensor + " has no \"" + field + "\"" + CORRUPT);
        }
        if (!(fields.get("dtype") instanceof String dtype)) {
            throw UserError.inFile(file, tensor + " has dtype " + Json.brief(fields.get("dtype")) + ", not a string" + CORRUPT);
        }
        if (!DTYPE_BYTES.containsKey(dtype)) {
            throw UserError.inFile(file, tensor + " has unknown dtype '" + dtype + "'; jvit reads " + SUPPORTED
                    + " — convert the weights to one of them");
        }
        long[] shape = naturals(fields.get("shape"), -1);
        if (shape == null) {
            throw UserError.inFile(file, tensor + " has shape " + Json.brief(fields.get("shape"))
                    + ", not a list of non-negative integers" + CORRUPT);
        }
        long[] offsets = naturals(fields.get("data_offsets"), 2);
        if (offsets == null) {
            throw UserError.inFile(file, tensor + " has data_offsets " + Json.brief(fields.get("data_offsets"))
                    + ", not [begin, end] with non-negative integers" + CORRUPT);
        }
        Entry entry = new Entry(name, dtype, shape, offsets[0], offsets[1]);
        if (entry.begin > entry.end) {
            throw UserError.inFile(file, tensor + " has data_offsets " + entry.offsets() + " that end before they begin" + CORRUPT);
        }
        if (entry.end > dataBytes) {
            throw UserError.inFile(file, tensor + " data_offsets " + entry.offsets() + " overrun the file's " + dataBytes
                    + " data bytes" + CORRUPT);
        }
        long expected = byteSize(shape, DTYPE_BYTES.get(dtype));
        if (expected != entry.end - entry.begin) {
            throw UserError.inFile(file, tensor + " has shape " + Arrays.toString(shape) + " and dtype " + dtype + ", so "
                    + (expected < 0 ? "more than 2^63" : expected) + " bytes, but data_offsets " + entry.offsets() + " hold "
                    + (entry.end - entry.begin) + CORRUPT);
        }
        return entry;
    }

    /** A JSON list of non-negative integers as an array, {@code null} if it is anything else or not {@code length} long (-1: any). */
    private static long[] naturals(Object value, int length) {
        if (!(value instanceof List<?> list) || (length >= 0 && list.size() != length)) return null;
        long[] result = new long[list.size()];
        for (int i = 0; i < result.length; i++) {
            if (!(list.get(i) instanceof Long n) || n < 0) return null;
            result[i] = n;
        }
        return result;
    }

    /** Elements × element size, or -1 when that does not fit in a long. */
    private static long byteSize(long[] shape, int elementBytes) {
        try {
            return Math.multiplyExact(FloatTensor.elements(shape), elementBytes);
        } catch (ArithmeticException overflow) {
            return -1;
        }
    }

    private static void checkNoOverlap(Path file, Iterable<Entry> entries) {
        List<Entry> byBegin = new ArrayList<>();
        for (Entry e : entries) if (e.end > e.begin) byBegin.add(e);
        byBegin.sort(Comparator.comparingLong(Entry::begin));
        for (int i = 1; i < byBegin.size(); i++) {
            Entry before = byBegin.get(i - 1);
            Entry after = byBegin.get(i);
            if (after.begin < before.end) {
                throw UserError.inFile(file, "tensors '" + before.name + "' " + before.offsets() + " and '" + after.name + "' "
                        + after.offsets() + " overlap" + CORRUPT);
            }
        }
    }

    public Path path() { return path; }

    /** The tensors' names, in the header's order. */
    public List<String> names() { return List.copyOf(entries.keySet()); }

    public boolean contains(String name) { return entries.containsKey(name); }

    public long[] shape(String name) { return entry(name).shape.clone(); }

    /** The dtype as the file names it: {@code F32}, {@code BF16}, {@code I64}, ... */
    public String dtype(String name) { return entry(name).dtype; }

    /** The {@code __metadata__} strings; empty when the file has none. */
    public Map<String, String> metadata() { return metadata; }

    /** The tensor's values as float32: a slice of the mapping for F32, a converted copy made once otherwise. */
    public MemorySegment floats(String name) {
        Entry entry = entry(name);
        FloatFormat format = format(entry);
        MemorySegment raw = data.asSlice(entry.begin, entry.end - entry.begin);
        if (format.isNativeFloat32()) return raw;
        return converted.computeIfAbsent(name, n -> format.toFloat32(raw, arena).asReadOnly()); // read-only, as the mapping is
    }

    /** The tensor's shape and float32 values, as {@link #floats} gives them. */
    public FloatTensor tensor(String name) {
        return new FloatTensor(entry(name).shape, floats(name));
    }

    private Entry entry(String name) {
        Entry entry = entries.get(name);
        if (entry != null) return entry;
        String some = entries.keySet().stream().limit(3).map(n -> "'" + n + "'").collect(Collectors.joining(", "));
        throw UserError.inFile(path, "has no tensor '" + name + "' (it has " + entries.size() + " tensors"
                + (entries.isEmpty() ? "" : ", e.g. " + some) + "); check that these weights are for this model");
    }

    private FloatFormat format(Entry entry) {
        return switch (entry.dtype) {
            case "F32" -> FloatFormat.F32;
            case "F16" -> FloatFormat.F16;
            case "BF16" -> FloatFormat.BF16;
            case "F64" -> FloatFormat.F64;
            default -> throw UserError.inFile(path, "tensor '" + entry.name + "' has dtype " + entry.dtype
                    + ", which jvit cannot use as weights; it reads " + SUPPORTED + " — convert the weights to one of them");
        };
    }

    /** Releases the mapping and converted tensors if this object owns its arena; a caller's arena stays open. */
    @Override
    public void close() {
        if (ownsArena) arena.close();
    }

    /** Writes float32 tensors, in the map's order, with optional metadata; see {@link #write(Path, Map, Map, FloatFormat)}. */
    public static void write(Path file, Map<String, FloatTensor> tensors, Map<String, String> metadata) {
        write(file, tensors, metadata, FloatFormat.F32);
    }

    /**
     * Writes tensors in {@code format}, in the map's order, packed one after another. The header is
     * padded with spaces to a multiple of 8 bytes, as the reference implementation pads it, so that
     * the data starts aligned. The file appears whole or not at all ({@link AtomicFile}).
     */
    public static void write(Path file, Map<String, FloatTensor> tensors, Map<String, String> metadata, FloatFormat format) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) header.put(METADATA, new java.util.TreeMap<>(metadata)); // sorted: the same bytes every run
        long offset = 0;
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) throw new IllegalArgumentException(METADATA + " is not a tensor name");
            long bytes = e.getValue().elements() * format.bytes();
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("dtype", format.name());
            fields.put("shape", Arrays.stream(e.getValue().shape()).boxed().toList());
            fields.put("data_offsets", List.of(offset, offset + bytes));
            header.put(e.getKey(), fields);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = json.length + (8 - json.length % 8) % 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        AtomicFile.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(headerBytes);
            for (FloatTensor tensor : tensors.values()) format.write(out, tensor.data());
        });
    }
}
