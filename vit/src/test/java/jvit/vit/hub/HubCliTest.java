package jvit.vit.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jvit.vit.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vit classify --model ORG/NAME} in a JVM of its own, whose environment ({@code HF_ENDPOINT},
 * {@code HF_HUB_CACHE}) points at the test Hub: the hook where {@code --model} is resolved. Offline
 * use and the failures are tested in process, in {@link HubModelsTest}.
 */
class HubCliTest {
    private static final Path SAMPLES = Path.of("..", "models", "samples").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {}

    private Run vit(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("HUGGING") || k.equals("TRANSFORMERS_OFFLINE"));
        builder.environment().put("HF_HOME", dir.resolve("hf-home").toString());
        builder.environment().putAll(env);
        int status = builder.start().waitFor();
        String err = Files.readString(dir.resolve("err"), StandardCharsets.UTF_8).replace("WARNING: Using incubator modules: jdk.incubator.vector\n", "");
        return new Run(status, Files.readString(dir.resolve("out"), StandardCharsets.UTF_8), err);
    }

    @Test
    void classifyTakesAModelFromTheHubNamedByTheEnvironment() throws Exception {
        try (HubTestServer hub = new HubTestServer(); var samples = Files.list(SAMPLES)) {
            String commit = hub.repo("org/vit").commit(HubModelsTest.modelFiles(HubModelsTest.MODEL, "config.json", "model.safetensors",
                    "preprocessor_config.json"), "main");
            Path cache = dir.resolve("cache");
            Run run = vit(Map.of("HF_ENDPOINT", hub.endpoint().toString(), "HF_HUB_CACHE", cache.toString()),
                    "classify", "--device", "java", "--json", "--model", "org/vit", samples.sorted().findFirst().orElseThrow().toString());
            assertEquals(0, run.status(), run.err());
            assertEquals(1, run.out().lines().filter(l -> l.contains("\"top\"")).count(), run.out());
            assertEquals("", run.err(), "no progress off a terminal, no notes");
            assertEquals(commit, Files.readString(cache.resolve("models--org--vit/refs/main")));
        }
    }
}
