package jvit.vit.io;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import jvit.runtime.UserError;

/**
 * The tensors of a checkpoint: one safetensors file, or the shards that a Hugging Face index
 * ({@code model.safetensors.index.json}: {@code {"metadata": {...}, "weight_map": {tensor: shard}}})
 * lists beside it. Every shard is memory-mapped into the caller's arena, so F32 tensors are read
 * where they lie, as from a single file. The index and the shards must agree exactly: a tensor the
 * index names but its shard lacks, or one a shard holds that the index does not name, is refused.
 */
public final class SafetensorsCheckpoint {
    /** How Hugging Face names the index of a sharded checkpoint: the single file's name plus this. */
    public static final String INDEX_SUFFIX = ".index.json";

    private final Map<String, Safetensors> shardOf;

    private SafetensorsCheckpoint(Map<String, Safetensors> shardOf) {
        this.shardOf = shardOf;
    }

    /** A {@code .safetensors} file, or an {@code .index.json} and its shards; they stay mapped until {@code arena} closes. */
    public static SafetensorsCheckpoint open(Path file, Arena arena) {
        Map<String, Safetensors> shardOf = new LinkedHashMap<>();
        if (!file.getFileName().toString().endsWith(INDEX_SUFFIX)) {
            Safetensors single = Safetensors.open(file, arena);
            for (String name : single.names()) shardOf.put(name, single);
            return new SafetensorsCheckpoint(shardOf);
        }
        Map<String, String> weightMap = weightMap(file);
        Map<String, Safetensors> shards = new LinkedHashMap<>();
        for (String shard : new TreeSet<>(weightMap.values())) shards.put(shard, Safetensors.open(file.resolveSibling(shard), arena));
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            if (!shards.get(e.getValue()).contains(e.getKey())) {
                throw UserError.inFile(file, "names tensor '" + e.getKey() + "' in shard " + e.getValue() + ", which does not hold it;"
                        + " the index and its shards do not match — download or export the model again");
            }
            shardOf.put(e.getKey(), shards.get(e.getValue()));
        }
        for (Map.Entry<String, Safetensors> shard : shards.entrySet()) {
            for (String name : shard.getValue().names()) {
                if (!shard.getKey().equals(weightMap.get(name))) {
                    throw UserError.inFile(file, "does not list tensor '" + name + "' of shard " + shard.getKey()
                            + (weightMap.containsKey(name) ? " (it names shard " + weightMap.get(name) + ")" : "")
                            + "; the index and its shards do not match — download or export the model again");
                }
            }
        }
        return new SafetensorsCheckpoint(shardOf);
    }

    /** The shard files an index names, sorted: plain file names beside it. */
    public static List<String> shardFiles(Path index) {
        return List.copyOf(new TreeSet<>(weightMap(index).values()));
    }

    /** The index's {@code weight_map}, its shard names checked to be plain file names beside it. */
    private static Map<String, String> weightMap(Path index) {
        JsonFields json = JsonFields.read(index);
        if (!json.has("weight_map")) throw json.error("has no \"weight_map\"; a sharded checkpoint's index maps each tensor to its shard");
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : json.object("weight_map").entries().entrySet()) {
            if (!(e.getValue() instanceof String shard) || !isPlainFileName(shard)) {
                throw json.error("weight_map gives tensor '" + e.getKey() + "' the shard " + Json.brief(e.getValue())
                        + ", not a file name beside the index; fix or download the index again");
            }
            weightMap.put(e.getKey(), shard);
        }
        if (weightMap.isEmpty()) throw json.error("has an empty \"weight_map\"; a sharded checkpoint's index maps each tensor to its shard");
        return weightMap;
    }

    private static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.contains("/") && !name.contains("\\") && !name.equals(".") && !name.equals("..");
    }

    /** The tensors' names: the file's order, or the index's. */
    public List<String> names() { return new ArrayList<>(shardOf.keySet()); }

    public long[] shape(String name) { return shard(name).shape(name); }

    /** The values as float32: for F32 a slice of the shard's mapping (no copy), else converted once. */
    public MemorySegment floats(String name) { return shard(name).floats(name); }

    private Safetensors shard(String name) {
        Safetensors shard = shardOf.get(name);
        if (shard == null) throw new IllegalArgumentException("no tensor '" + name + "' in this checkpoint");
        return shard;
    }
}
