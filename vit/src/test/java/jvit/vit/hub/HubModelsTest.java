package jvit.vit.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import jvit.runtime.UserError;
import jvit.vit.io.Shards;
import jvit.vit.model.ViTModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --model ORG/NAME[@REV]} against a Hub-shaped server on the loopback address: the cache layout, revisions, resuming, checks, errors. */
class HubModelsTest {
    static final Path MODEL = Path.of("..", "models", "fashion-mnist").toAbsolutePath().normalize();
    static final String CONFIG = "config.json", WEIGHTS = "model.safetensors", PREPROCESSOR = "preprocessor_config.json";

    @TempDir
    Path dir;
    HubTestServer hub;
    Path cache;
    ByteArrayOutputStream notes = new ByteArrayOutputStream();
    Map<String, byte[]> files;
    String commit;

    @BeforeEach
    void serve() throws IOException {
        hub = new HubTestServer();
        cache = dir.resolve("hub");
        files = modelFiles(MODEL, CONFIG, WEIGHTS, PREPROCESSOR);
        commit = hub.repo("org/vit").commit(files, "main");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    static Map<String, byte[]> modelFiles(Path dir, String... names) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : names) files.put(name, Files.readAllBytes(dir.resolve(name)));
        return files;
    }

    HubModels hub(String token, boolean offline) {
        return new HubModels(hub.settings(cache, token, offline), DownloadProgress.silent(), new PrintStream(notes, true, StandardCharsets.UTF_8));
    }

    Path snapshot(String id) {
        return hub(null, false).snapshot(ModelId.parse(id).orElseThrow());
    }

    static UserError fails(Supplier<?> action, String... fragments) {
        UserError e = assertThrows(UserError.class, action::get);
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        return e;
    }

    @Test
    void downloadsIntoHuggingFaceHubsCacheLayout() throws IOException {
        Path snapshot = snapshot("org/vit");
        Path repo = cache.resolve("models--org--vit");
        assertEquals(repo.resolve("snapshots").resolve(commit), snapshot);
        assertEquals(commit, Files.readString(repo.resolve("refs/main")));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path link = snapshot.resolve(f.getKey());
            assertTrue(Files.isSymbolicLink(link), f.getKey());
            String etag = f.getKey().endsWith(".safetensors") ? HubTestServer.sha256(f.getValue()) : HubTestServer.gitBlobId(f.getValue());
            assertEquals(Path.of("..", "..", "blobs", etag), Files.readSymbolicLink(link), "a relative link to the blob named by its ETag");
            assertArrayEquals(f.getValue(), Files.readAllBytes(link), f.getKey());
        }
        try (var blobs = Files.list(repo.resolve("blobs"))) {
            assertFalse(blobs.anyMatch(b -> b.toString().endsWith(".incomplete")), "no debris");
        }
        try (ViTModel model = ViTModel.openDirectory(snapshot)) {
            assertEquals(10, model.config().numLabels());
        }
        assertEquals(0, hub.count("GET", "/resolve/main/"), "after resolving main, files are fetched at its commit");
        assertEquals(1, hub.count("GET", "/cdn/"), "the weights came from the CDN the Hub redirected to");
    }

    @Test
    void aSecondRunDownloadsNothingAndOfflineAsksNothing() {
        Path first = snapshot("org/vit");
        hub.requests.clear();
        assertEquals(first, snapshot("org/vit"));
        assertEquals(1, hub.requests.size(), "one HEAD to learn main's commit: " + hub.requests);
        hub.requests.clear();
        assertEquals(first, hub(null, true).snapshot(ModelId.parse("org/vit").orElseThrow()));
        assertEquals(first, hub(null, true).snapshot(ModelId.parse("org/vit@" + commit).orElseThrow()));
        assertEquals(first, snapshot("org/vit@" + commit), "a commit complete in the cache needs no network");
        assertTrue(hub.requests.isEmpty(), hub.requests.toString());
        assertEquals("", notes.toString());
    }

    @Test
    void offlineWithoutTheModelSaysWhatToDo() {
        fails(() -> hub(null, true).snapshot(ModelId.parse("org/vit").orElseThrow()), "org/vit is not in the Hugging Face cache",
                "HF_HUB_OFFLINE is set; unset it to download the model once");
        assertTrue(hub.requests.isEmpty());
    }

    @Test
    void aRevisionIsABranchATagOrACommit() throws IOException {
        Map<String, byte[]> v2 = new LinkedHashMap<>(files);
        v2.put(CONFIG, (new String(files.get(CONFIG), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
        HubTestServer.Repo repo = hub.repo("org/vit");
        String second = repo.commit(v2, "main", "v2");
        repo.refs.put("v1", commit);
        assertEquals(cache.resolve("models--org--vit/snapshots").resolve(second), snapshot("org/vit"));
        assertEquals(cache.resolve("models--org--vit/snapshots").resolve(commit), snapshot("org/vit@v1"));
        assertEquals(commit, Files.readString(cache.resolve("models--org--vit/refs/v1")));
        assertEquals(cache.resolve("models--org--vit/snapshots").resolve(second), snapshot("org/vit@" + second));
        assertEquals(1, hub.count("GET", "/cdn/"), "the weights, the same in both commits, were downloaded once");
        repo.refs.put("refs/pr/1", commit);
        assertEquals(cache.resolve("models--org--vit/snapshots").resolve(commit), snapshot("org/vit@refs/pr/1"));
        assertEquals(commit, Files.readString(cache.resolve("models--org--vit/refs/refs/pr/1")), "as huggingface_hub nests it");
        fails(() -> snapshot("org/vit@v9"), "org/vit has no revision 'v9'", "give a branch, tag or commit hash it has");
    }

    @Test
    void aShardedCheckpointIsFetchedShardByShard() throws IOException {
        Path sharded = Files.createDirectory(dir.resolve("sharded"));
        Shards.write(MODEL.resolve(WEIGHTS), sharded, "model.safetensors.index.json", 3);
        Map<String, byte[]> shardedFiles = modelFiles(MODEL, CONFIG);
        try (var list = Files.list(sharded)) {
            for (Path p : list.toList()) shardedFiles.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        String c = hub.repo("org/sharded").commit(shardedFiles, "main");
        Path snapshot = snapshot("org/sharded");
        Path repo = cache.resolve("models--org--sharded");
        assertTrue(Files.exists(repo.resolve(".no_exist").resolve(c).resolve(WEIGHTS)), "the missing single file is remembered");
        assertTrue(Files.exists(repo.resolve(".no_exist").resolve(c).resolve(PREPROCESSOR)));
        assertEquals(3, hub.count("GET", "/cdn/"));
        try (ViTModel a = ViTModel.openDirectory(snapshot); ViTModel b = ViTModel.openDirectory(MODEL)) {
            assertEquals(b.weights().all().size(), a.weights().all().size());
        }
        hub.requests.clear();
        assertEquals(snapshot, hub(null, true).snapshot(ModelId.parse("org/sharded").orElseThrow()));
        assertEquals("", notes.toString(), "offline, the .no_exist marker says there is no preprocessor config to miss");
    }

    @Test
    void aDroppedConnectionIsResumedWithARangeRequest() {
        hub.cuts.set(1);
        hub.cutAfter = 100_000;
        Path snapshot = snapshot("org/vit");
        // From what arrived: a reset connection may lose some of the 100,000 bytes the server sent.
        assertTrue(hub.requests.stream().filter(r -> r.range() != null && r.range().matches("bytes=\\d+-"))
                .mapToLong(r -> Long.parseLong(r.range().replaceAll("\\D", ""))).anyMatch(from -> from > 0 && from <= 100_000),
                hub.requests.toString());
        assertTrue(Files.isRegularFile(snapshot.resolve(WEIGHTS)));
    }

    @Test
    void aStalledDownloadIsAbandonedAfterTheDownloadTimeoutAndResumed() {
        HubSettings impatient = new HubSettings(hub.endpoint(), cache, null, false, Duration.ofSeconds(10), Duration.ofMillis(500));
        HubModels models = new HubModels(impatient, DownloadProgress.silent(), new PrintStream(notes, true, StandardCharsets.UTF_8));
        hub.stalls.set(1);
        hub.cutAfter = 100_000;
        Path snapshot = models.snapshot(ModelId.parse("org/vit").orElseThrow());
        assertTrue(hub.requests.stream().anyMatch(r -> "bytes=100000-".equals(r.range())), hub.requests.toString());
        assertTrue(Files.isRegularFile(snapshot.resolve(WEIGHTS)));
        hub.stalls.set(3);
        hub.repo("org/other").commit(Map.of(CONFIG, files.get(CONFIG), WEIGHTS, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}), "main");
        hub.cutAfter = 4;
        // Three attempts, each 4 bytes further (the last has 1 byte to send and stalls before it).
        fails(() -> models.snapshot(ModelId.parse("org/other").orElseThrow()), "broke off at 8 of 9 bytes (no data for 0.5 s)", "run the same command again to resume it");
    }

    @Test
    void anInterruptedDownloadIsResumedByTheNextRun() throws IOException {
        hub.cuts.set(3);
        hub.cutAfter = 100_000;
        String sha = HubTestServer.sha256(files.get(WEIGHTS));
        Path incomplete = cache.resolve("models--org--vit/blobs/" + sha + ".incomplete");
        fails(() -> snapshot("org/vit"), "the download of org/vit/model.safetensors broke off at 300000 of " + files.get(WEIGHTS).length + " bytes",
                "run the same command again to resume it");
        assertEquals(300_000, Files.size(incomplete), "the bytes already here are kept");
        hub.requests.clear();
        Path snapshot = snapshot("org/vit");
        assertTrue(hub.requests.stream().anyMatch(r -> "bytes=300000-".equals(r.range())), hub.requests.toString());
        assertArrayEquals(files.get(WEIGHTS), Files.readAllBytes(snapshot.resolve(WEIGHTS)));
        assertFalse(Files.exists(incomplete));
    }

    @Test
    void twoAtOnceDownloadTheBlobOnce() throws Exception {
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            var a = pool.submit(() -> snapshot("org/vit"));
            var b = pool.submit(() -> snapshot("org/vit"));
            assertEquals(a.get(), b.get());
        }
        assertEquals(1, hub.count("GET", "/cdn/"), "the second waited on the lock, then found the blob");
        assertTrue(Files.exists(cache.resolve(".locks/models--org--vit").resolve(HubTestServer.sha256(files.get(WEIGHTS)) + ".lock")));
    }

    @Test
    void aCorruptDownloadIsRefusedAndDeleted() throws IOException {
        hub.corrupt = true;
        String sha = HubTestServer.sha256(files.get(WEIGHTS));
        fails(() -> snapshot("org/vit"), "org/vit/model.safetensors as downloaded has SHA-256", "but the Hub states " + sha,
                "run again to download it afresh");
        Path blobs = cache.resolve("models--org--vit/blobs");
        assertFalse(Files.exists(blobs.resolve(sha)));
        assertFalse(Files.exists(blobs.resolve(sha + ".incomplete")));
        assertFalse(Files.exists(cache.resolve("models--org--vit/snapshots").resolve(commit).resolve(WEIGHTS)));
        hub.corrupt = false;
        assertTrue(Files.isRegularFile(snapshot("org/vit").resolve(WEIGHTS)));
    }

    @Test
    void theTokenGoesToTheHubButNotToTheCdn() {
        hub.validTokens.add("hf_good");
        hub.repo("org/vit").gated = true;
        hub.repo("org/vit").readers.add("hf_good");
        hub(  "hf_good", false).snapshot(ModelId.parse("org/vit").orElseThrow());
        for (HubTestServer.Request r : hub.requests) {
            if (r.path().startsWith("/cdn/")) assertNull(r.authorization(), "no token to the CDN: " + r);
            else assertEquals("Bearer hf_good", r.authorization(), r.toString());
        }
    }

    @Test
    void eachKindOfFailureIsOneLineSayingWhatToDo() {
        ModelId vit = ModelId.parse("org/vit").orElseThrow();
        fails(() -> snapshot("org/nope"), "no model org/nope on " + hub.endpoint() + " (or it is private)", "set HF_TOKEN");
        hub.repo("org/gated").commit(files, "main");
        hub.repo("org/gated").gated = true;
        fails(() -> snapshot("org/gated"), "org/gated is a gated model: accept its conditions at " + hub.endpoint() + "/org/gated",
                "set HF_TOKEN to a token of that account");
        hub.validTokens.add("hf_other");
        fails(() -> hub("hf_other", false).snapshot(ModelId.parse("org/gated").orElseThrow()), "is a gated model",
                "check that HF_TOKEN is a token of that account");
        fails(() -> hub("hf_bad", false).snapshot(vit), "refused the token", "as invalid", "/settings/tokens");
        hub.repo("org/empty").commit(Map.of("README.md", new byte[] {'h', 'i'}), "main");
        fails(() -> snapshot("org/empty"), "org/empty on " + hub.endpoint() + " has no config.json", "jvit loads models with config.json");
        hub.repo("org/bin").commit(Map.of(CONFIG, files.get(CONFIG), "pytorch_model.bin", new byte[] {1}), "main");
        fails(() -> snapshot("org/bin"), "has neither model.safetensors nor model.safetensors.index.json",
                "convert pytorch_model.bin with the safetensors library");
        hub.noCommitHeader = true;
        fails(() -> snapshot("org/vit"), "did not answer as a Hugging Face Hub does (no X-Repo-Commit header", "check HF_ENDPOINT");
    }

    @Test
    void noNetworkFallsBackToTheCacheElseSaysSo() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        HubSettings nowhere = new HubSettings(URI.create("http://127.0.0.1:" + closedPort), cache, null, false);
        HubModels unreachable = new HubModels(nowhere, DownloadProgress.silent(), new PrintStream(notes, true, StandardCharsets.UTF_8));
        ModelId vit = ModelId.parse("org/vit").orElseThrow();
        fails(() -> unreachable.snapshot(vit), "cannot reach the Hub at http://127.0.0.1:" + closedPort, "set HF_HUB_OFFLINE=1");
        Path snapshot = snapshot("org/vit");
        assertEquals(snapshot, unreachable.snapshot(vit));
        assertTrue(notes.toString().startsWith("vit: note: cannot reach the Hub"), notes.toString());
        assertTrue(notes.toString().contains("using org/vit from the cache (commit " + commit.substring(0, 8) + ")"), notes.toString());
        hub.down = true;
        fails(() -> snapshot("org/other"), "answered 503", "try again later");
        assertEquals(snapshot, snapshot("org/vit"), "a Hub that is down leaves the cache to serve");
    }

    @Test
    void aRenamedRepositoryIsFollowed() {
        hub.repo("old/vit").movedTo = "org/vit";
        Path snapshot = snapshot("old/vit");
        assertEquals(cache.resolve("models--old--vit/snapshots").resolve(commit), snapshot);
    }

    @Test
    void progressShowsOnATerminalOnly() {
        assertEquals("downloading model.safetensors  1.5 / 3.0 MB  50%", DownloadProgress.line("model.safetensors", 1_500_000, 3_000_000));
        assertEquals("downloading config.json  0.7 / 0.7 kB  100%", DownloadProgress.line("config.json", 731, 731));
        assertEquals("downloading config.json  0.3 kB", DownloadProgress.line("config.json", 300, -1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DownloadProgress shown = new DownloadProgress(new PrintStream(out, true, StandardCharsets.UTF_8));
        shown.start("model.safetensors", 10, 0);
        shown.advance(10);
        shown.finish();
        assertTrue(out.toString().startsWith("\rdownloading model.safetensors"), out.toString());
        assertTrue(out.toString().endsWith("100%" + System.lineSeparator()), out.toString());
    }

    @Test
    void modelIdsAndSettingsFollowHuggingFaceHub() {
        assertEquals(new ModelId("google/vit-base-patch16-224", "main"), ModelId.parse("google/vit-base-patch16-224").orElseThrow());
        assertEquals(new ModelId("timm/vit_small_patch16_224.augreg_in21k", "v1.0"), ModelId.parse("timm/vit_small_patch16_224.augreg_in21k@v1.0").orElseThrow());
        assertEquals("refs%2Fpr%2F1", HubClient.segment("refs/pr/1"));
        assertEquals("models--a--b", new ModelId("a/b", "main").cacheFolder());
        for (String notAnId : new String[] {"/abs/path", "./rel", "dir", "a/b/c", "a--b/c", "a/../b", "a/b@", "~/x", "a/.b"})
            assertTrue(ModelId.parse(notAnId).isEmpty(), notAnId);

        String home = System.getProperty("user.home");
        HubSettings defaults = HubSettings.from(Map.of());
        assertEquals(URI.create("https://huggingface.co"), defaults.endpoint());
        assertEquals(Path.of(home, ".cache", "huggingface", "hub"), defaults.cache());
        assertFalse(defaults.offline());
        assertEquals(Path.of("/x/hub"), HubSettings.from(Map.of("HF_HOME", "/x")).cache());
        assertEquals(Path.of("/c"), HubSettings.from(Map.of("HF_HOME", "/x", "HF_HUB_CACHE", "/c")).cache());
        assertEquals(Path.of("/xdg/huggingface/hub"), HubSettings.from(Map.of("XDG_CACHE_HOME", "/xdg")).cache());
        assertEquals(Path.of(home, "c"), HubSettings.from(Map.of("HF_HUB_CACHE", "~/c")).cache());
        assertEquals(URI.create("http://mirror:8080"), HubSettings.from(Map.of("HF_ENDPOINT", "http://mirror:8080/")).endpoint());
        assertEquals(Duration.ofSeconds(10), defaults.downloadTimeout());
        assertEquals(Duration.ofSeconds(60), HubSettings.from(Map.of("HF_HUB_DOWNLOAD_TIMEOUT", "60")).downloadTimeout());
        assertEquals(Duration.ofSeconds(3), HubSettings.from(Map.of("HF_HUB_ETAG_TIMEOUT", "3")).etagTimeout());
        fails(() -> HubSettings.from(Map.of("HF_HUB_DOWNLOAD_TIMEOUT", "soon")), "HF_HUB_DOWNLOAD_TIMEOUT 'soon' is not a whole number of seconds");
        for (String yes : new String[] {"1", "true", "YES", "on"}) assertTrue(HubSettings.from(Map.of("HF_HUB_OFFLINE", yes)).offline(), yes);
        assertFalse(HubSettings.from(Map.of("HF_HUB_OFFLINE", "0")).offline());
        fails(() -> HubSettings.from(Map.of("HF_ENDPOINT", "huggingface.co")), "HF_ENDPOINT 'huggingface.co' is not an http(s) URL");
    }

    @Test
    void theTokenComesFromHfTokenElseTheLoginFile() throws IOException {
        Path home = Files.createDirectory(dir.resolve("hf-home"));
        assertNull(HubSettings.from(Map.of("HF_HOME", home.toString())).token());
        Files.writeString(home.resolve("token"), "hf_saved\n");
        assertEquals("hf_saved", HubSettings.from(Map.of("HF_HOME", home.toString())).token());
        assertEquals("hf_env", HubSettings.from(Map.of("HF_HOME", home.toString(), "HF_TOKEN", "hf_env")).token());
        assertFalse(HubSettings.from(Map.of("HF_TOKEN", "hf_secret")).toString().contains("hf_secret"), "the token is never printed");
    }

    @Test
    void aLocalDirectoryWinsOverAHubId() throws IOException {
        // Relative to the module's folder, where the tests run: shaped like ORG/NAME, but a directory.
        Path local = Path.of("target", "hub-test-local-model");
        Files.createDirectories(local);
        for (String name : Arrays.asList(CONFIG, WEIGHTS)) Files.copy(MODEL.resolve(name), local.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(ModelId.parse(local.toString()).isPresent());
        assertEquals(local, ModelLocation.resolve(local));
        assertEquals(Path.of("not/a path"), ModelLocation.resolve(Path.of("not/a path")), "neither a directory nor a Hub id: left to the loader");
        assertEquals(cache.resolve("models--org--vit/snapshots").resolve(commit), ModelLocation.resolve(Path.of("org/vit"), () -> hub(null, false)));
        fails(() -> ModelLocation.resolve(Path.of("org/nope"), () -> hub(null, false)),
                "org/nope: no such directory, and no model org/nope on " + hub.endpoint());
        fails(() -> ModelLocation.resolve(Path.of("models/typo"), () -> hub(null, true)),
                "models/typo: no such directory, and models/typo is not in the Hugging Face cache");
    }
}
