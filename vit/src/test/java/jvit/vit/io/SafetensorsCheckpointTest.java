package jvit.vit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jvit.runtime.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint split into shards reads as the single file does, F32 still memory-mapped; an index that disagrees with its shards is refused. */
class SafetensorsCheckpointTest {
    private static final Path SINGLE = Path.of("..", "models", "fashion-mnist", "model.safetensors").toAbsolutePath().normalize();
    private static final String INDEX = "model.safetensors.index.json";

    @TempDir
    Path dir;

    @Test
    void shardsReadAsTheSingleFileDoes() {
        Shards.write(SINGLE, dir, INDEX, 3);
        try (Arena arena = Arena.ofShared()) {
            SafetensorsCheckpoint single = SafetensorsCheckpoint.open(SINGLE, arena);
            SafetensorsCheckpoint sharded = SafetensorsCheckpoint.open(dir.resolve(INDEX), arena);
            assertEquals(single.names().size(), sharded.names().size());
            assertEquals(new java.util.HashSet<>(single.names()), new java.util.HashSet<>(sharded.names()));
            for (String name : single.names()) {
                assertArrayEquals(single.shape(name), sharded.shape(name), name);
                assertArrayEquals(single.floats(name).toArray(ValueLayout.JAVA_BYTE), sharded.floats(name).toArray(ValueLayout.JAVA_BYTE), name);
                assertTrue(sharded.floats(name).isMapped(), name + " is read where it lies, not copied");
            }
        }
        assertEquals(3, SafetensorsCheckpoint.shardFiles(dir.resolve(INDEX)).size());
    }

    @Test
    void anIndexThatDisagreesWithItsShardsIsRefused() throws Exception {
        Shards.write(SINGLE, dir, INDEX, 2);
        Map<String, Object> weightMap = weightMap();
        String first = weightMap.keySet().iterator().next();

        Map<String, Object> wrongShard = new LinkedHashMap<>(weightMap);
        wrongShard.put(first, "model-00002-of-00002.safetensors");
        assertRefused(wrongShard, "names tensor '" + first + "' in shard model-00002-of-00002.safetensors, which does not hold it");

        Map<String, Object> unlisted = new LinkedHashMap<>(weightMap);
        unlisted.remove(first);
        assertRefused(unlisted, "does not list tensor '" + first + "' of shard model-00001-of-00002.safetensors");

        Map<String, Object> escaping = new LinkedHashMap<>(weightMap);
        escaping.put(first, "../elsewhere.safetensors");
        assertRefused(escaping, "not a file name beside the index");

        assertRefused(Map.of(), "empty \"weight_map\"");
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        assertRefused(weightMap, "model-00002-of-00002.safetensors");
    }

    private Map<String, Object> weightMap() {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) ((Map<?, ?>) Json.read(dir.resolve(INDEX))).get("weight_map");
        return new LinkedHashMap<>(map);
    }

    private void assertRefused(Map<String, Object> weightMap, String fragment) {
        Path index = dir.resolve("broken." + INDEX);
        Shards.writeIndex(index, weightMap);
        try (Arena arena = Arena.ofShared()) {
            UserError e = assertThrows(UserError.class, () -> SafetensorsCheckpoint.open(index, arena));
            assertTrue(e.getMessage().contains(fragment), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }
}
