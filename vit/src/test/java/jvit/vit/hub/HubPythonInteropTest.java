package jvit.vit.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jvit.vit.io.Shards;
import jvit.vit.model.ViTModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache is shared with {@code huggingface_hub} itself: what its {@code hf_hub_download} fetched
 * from the test Hub, jvit opens offline, and what jvit fetched, it finds offline and its
 * {@code scan_cache_dir} finds sound. Runs where {@code /usr/bin/python3} can install
 * {@code huggingface_hub} from the wheels in {@code /opt/pypi/files} into a virtual environment
 * ({@code target/hub-python}, made once); skipped, with the reason, elsewhere.
 */
class HubPythonInteropTest {
    private static final Path WHEELS = Path.of("/opt/pypi/files"), VENV = Path.of("target", "hub-python").toAbsolutePath();
    private static final List<String> FILES = List.of("config.json", "model.safetensors", "preprocessor_config.json");
    private static String unavailable;

    @TempDir
    Path dir;
    HubTestServer hub;
    String vitCommit, shardedCommit;

    @BeforeAll
    static void python() throws Exception {
        Path python = VENV.resolve("bin/python");
        if (Files.isExecutable(python) && run(List.of(python.toString(), "-c", "import huggingface_hub"), Map.of()).status == 0) return;
        if (!Files.isExecutable(Path.of("/usr/bin/python3")) || !Files.isDirectory(WHEELS)) {
            unavailable = "no /usr/bin/python3 or no wheels in " + WHEELS;
            return;
        }
        Path building = VENV.resolveSibling("hub-python.building");
        run(List.of("rm", "-rf", building.toString()), Map.of());
        Result venv = run(List.of("/usr/bin/python3", "-m", "venv", building.toString()), Map.of());
        Result pip = venv.status != 0 ? venv : run(List.of(building.resolve("bin/pip").toString(), "install", "-q", "--no-index",
                "--find-links", WHEELS.toString(), "huggingface_hub"), Map.of());
        if (pip.status != 0) {
            unavailable = "cannot install huggingface_hub from " + WHEELS + ": " + pip.output.strip().lines().reduce((a, b) -> b).orElse("");
            return;
        }
        run(List.of("rm", "-rf", VENV.toString()), Map.of());
        Files.move(building, VENV, StandardCopyOption.ATOMIC_MOVE);
    }

    private record Result(int status, String output) {}

    private static Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("HUGGING") || k.equals("TRANSFORMERS_OFFLINE"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }

    /** Runs a script with huggingface_hub, its cache and Hub set as the environment says, and returns what it prints. */
    private String python(Path cache, boolean offline, String script) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("HF_ENDPOINT", hub.endpoint().toString(), "HF_HUB_CACHE", cache.toString(),
                "HF_HOME", dir.resolve("hf-home").toString(), "HF_HUB_DISABLE_TELEMETRY", "1", "HF_HUB_DISABLE_XET", "1",
                "HF_HUB_DISABLE_UPDATE_CHECK", "1", "HF_HUB_DISABLE_PROGRESS_BARS", "1"));
        if (offline) env.put("HF_HUB_OFFLINE", "1");
        Result r = run(List.of(VENV.resolve("bin/python").toString(), "-c", script), env);
        assertEquals(0, r.status, "huggingface_hub failed:\n" + r.output);
        return r.output;
    }

    @BeforeEach
    void serve() throws IOException {
        assumeTrue(unavailable == null, unavailable);
        hub = new HubTestServer();
        vitCommit = hub.repo("org/vit").commit(HubModelsTest.modelFiles(HubModelsTest.MODEL, FILES.toArray(String[]::new)), "main");
        Path sharded = Files.createDirectory(dir.resolve("sharded"));
        Shards.write(HubModelsTest.MODEL.resolve("model.safetensors"), sharded, "model.safetensors.index.json", 2);
        Map<String, byte[]> files = HubModelsTest.modelFiles(HubModelsTest.MODEL, "config.json");
        files.putAll(HubModelsTest.modelFiles(sharded, "model.safetensors.index.json", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors"));
        shardedCommit = hub.repo("org/sharded").commit(files, "main");
    }

    @AfterEach
    void stop() {
        if (hub != null) hub.close();
    }

    private HubModels jvit(Path cache, boolean offline) {
        return new HubModels(hub.settings(cache, null, offline), DownloadProgress.silent(), new PrintStream(PrintStream.nullOutputStream()));
    }

    @Test
    void jvitOpensOfflineWhatHuggingFaceHubDownloaded() throws Exception {
        Path cache = dir.resolve("python-cache");
        python(cache, false, """
                import json
                from huggingface_hub import hf_hub_download
                for f in ["config.json", "model.safetensors", "preprocessor_config.json"]:
                    hf_hub_download("org/vit", f)
                index = hf_hub_download("org/sharded", "model.safetensors.index.json")
                hf_hub_download("org/sharded", "config.json")
                for shard in sorted(set(json.load(open(index))["weight_map"].values())):
                    hf_hub_download("org/sharded", shard)
                """);
        hub.requests.clear();
        Path vit = jvit(cache, true).snapshot(ModelId.parse("org/vit").orElseThrow());
        Path sharded = jvit(cache, true).snapshot(ModelId.parse("org/sharded").orElseThrow());
        assertEquals(List.of(), hub.requests);
        for (String f : FILES) assertArrayEquals(Files.readAllBytes(HubModelsTest.MODEL.resolve(f)), Files.readAllBytes(vit.resolve(f)), f);
        try (ViTModel a = ViTModel.openDirectory(vit); ViTModel b = ViTModel.openDirectory(sharded)) {
            assertEquals(a.weights().all().size(), b.weights().all().size());
        }
    }

    @Test
    void huggingFaceHubFindsOfflineWhatJvitDownloaded() throws Exception {
        Path cache = dir.resolve("jvit-cache");
        Path vit = jvit(cache, false).snapshot(ModelId.parse("org/vit").orElseThrow());
        Path sharded = jvit(cache, false).snapshot(ModelId.parse("org/sharded").orElseThrow());
        hub.requests.clear();
        String out = python(cache, true, """
                from huggingface_hub import hf_hub_download, try_to_load_from_cache, scan_cache_dir, _CACHED_NO_EXIST
                for f in ["config.json", "model.safetensors", "preprocessor_config.json"]:
                    print(hf_hub_download("org/vit", f))
                print(hf_hub_download("org/sharded", "model-00002-of-00002.safetensors", revision="%s"))
                print(try_to_load_from_cache("org/sharded", "model.safetensors") is _CACHED_NO_EXIST)
                report = scan_cache_dir()
                print(len(report.repos), len(report.warnings), sorted(r.repo_id for r in report.repos))
                """.formatted(shardedCommit));
        assertEquals(List.of(), hub.requests);
        assertEquals(List.of(vit.resolve("config.json").toString(), vit.resolve("model.safetensors").toString(),
                vit.resolve("preprocessor_config.json").toString(), sharded.resolve("model-00002-of-00002.safetensors").toString(),
                "True", "2 0 ['org/sharded', 'org/vit']"), out.strip().lines().toList());
    }
}
