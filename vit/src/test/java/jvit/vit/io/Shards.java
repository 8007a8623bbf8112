package jvit.vit.io;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Splits a safetensors file into shards with a Hugging Face index, as {@code save_pretrained(max_shard_size=...)} does. */
public final class Shards {
    private Shards() {}

    /** Writes {@code count} shards of {@code single}'s tensors (in order, about equally many each) and their index into {@code dir}. */
    public static void write(Path single, Path dir, String indexName, int count) {
        try (Safetensors source = Safetensors.open(single)) {
            List<String> names = source.names();
            Map<String, Object> weightMap = new LinkedHashMap<>();
            for (int s = 0; s < count; s++) {
                String shard = String.format("model-%05d-of-%05d.safetensors", s + 1, count);
                Map<String, FloatTensor> tensors = new LinkedHashMap<>();
                for (int i = s * names.size() / count; i < (s + 1) * names.size() / count; i++) {
                    tensors.put(names.get(i), source.tensor(names.get(i)));
                    weightMap.put(names.get(i), shard);
                }
                Safetensors.write(dir.resolve(shard), tensors, Map.of("format", "pt"));
            }
            writeIndex(dir.resolve(indexName), weightMap);
        }
    }

    public static void writeIndex(Path index, Map<String, Object> weightMap) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("metadata", Map.of("total_size", 0L));
        json.put("weight_map", weightMap);
        jvit.runtime.io.AtomicFile.write(index, out -> out.write(Json.writePretty(json).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
