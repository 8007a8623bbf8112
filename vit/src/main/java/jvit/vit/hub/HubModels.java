package jvit.vit.hub;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jvit.vit.hub.HubError.Kind;
import jvit.vit.io.SafetensorsCheckpoint;
import jvit.vit.model.ViTModel;

/**
 * Models from the Hugging Face Hub, through the cache {@code huggingface_hub} shares: the files a
 * ViT needs ({@code config.json}; {@code model.safetensors}, or {@code model.safetensors.index.json}
 * and its shards; {@code preprocessor_config.json} where the model has one) are downloaded into
 * {@code snapshots/<commit>/}, which is then a model directory like any other.
 *
 * <p>Online, the revision is resolved to a commit with one request, and only missing files are
 * fetched; a commit hash already complete in the cache needs no network at all. Offline
 * ({@code HF_HUB_OFFLINE}), or when the Hub cannot be reached or is down, the revision resolves
 * through {@code refs/} and the snapshot must be complete.
 */
public final class HubModels {
    private static final String CONFIG = ViTModel.CONFIG, WEIGHTS = ViTModel.WEIGHTS, WEIGHTS_INDEX = ViTModel.WEIGHTS_INDEX,
            PREPROCESSOR = "preprocessor_config.json";

    private final HubSettings settings;
    private final HubClient client;
    private final DownloadProgress progress;
    private final PrintStream notes;

    HubModels(HubSettings settings, DownloadProgress progress, PrintStream notes) {
        this.settings = settings;
        this.client = new HubClient(settings);
        this.progress = progress;
        this.notes = notes;
    }

    /** With the process's environment; progress on the terminal, notes on stderr. */
    public static HubModels fromEnvironment() {
        return new HubModels(HubSettings.fromEnvironment(), DownloadProgress.onTerminal(), System.err);
    }

    /** The snapshot folder holding the model's files, downloading what is missing unless offline. */
    public Path snapshot(ModelId id) {
        RepoCache cache = new RepoCache(settings.cache(), id);
        if (settings.offline()) return cached(cache, id, null);
        if (id.revisionIsCommit() && missing(cache, id.revision()).isEmpty()) return cache.snapshot(id.revision());
        HubClient.FileInfo config;
        try {
            config = client.head(id, id.revision(), CONFIG);
        } catch (HubError e) {
            if (e.kind == Kind.ENTRY_NOT_FOUND) {
                if (e.commit != null) cache.markMissing(e.commit, CONFIG);
                throw new HubError(Kind.ENTRY_NOT_FOUND, e.commit, id + " on " + settings.endpoint() + " has no " + CONFIG
                        + "; jvit loads models with " + CONFIG + " and " + WEIGHTS + " (a ViT from transformers or timm)");
            }
            if (!e.cacheMayServe()) throw e;
            return cached(cache, id, e);
        }
        String commit = config.commit();
        if (!ModelId.isCommit(commit)) {
            throw new HubError(Kind.REFUSED, settings.endpoint() + " gave '" + commit + "' as the commit of " + id
                    + ", not a commit hash; check HF_ENDPOINT");
        }
        cache.writeRef(id.revision(), commit);
        fetch(cache, id, commit, CONFIG, config);
        if (!fetchIfPresent(cache, id, commit, WEIGHTS)) {
            if (!fetchIfPresent(cache, id, commit, WEIGHTS_INDEX)) {
                throw new HubError(Kind.ENTRY_NOT_FOUND, commit, id + " on " + settings.endpoint() + " has neither " + WEIGHTS + " nor "
                        + WEIGHTS_INDEX + "; jvit reads safetensors weights (convert pytorch_model.bin with the safetensors library)");
            }
            for (String shard : SafetensorsCheckpoint.shardFiles(cache.file(commit, WEIGHTS_INDEX))) fetch(cache, id, commit, shard, null);
        }
        fetchIfPresent(cache, id, commit, PREPROCESSOR);
        return cache.snapshot(commit);
    }

    /** The snapshot the cache holds for the revision, when the Hub is not to be asked ({@code why} null) or cannot answer. */
    private Path cached(RepoCache cache, ModelId id, HubError why) {
        Optional<String> commit = cache.commitOf(id.revision());
        List<String> missing = commit.map(c -> missing(cache, c)).orElse(List.of());
        if (commit.isEmpty() || !missing.isEmpty()) {
            if (why != null) throw why;
            String state = commit.isEmpty() ? "is not in the Hugging Face cache " + settings.cache()
                    : "is only partly in the Hugging Face cache " + settings.cache() + " (no " + String.join(", ", missing) + ")";
            throw new HubError(Kind.UNREACHABLE, id + " " + state + " and HF_HUB_OFFLINE is set; unset it to download the model once,"
                    + " or give a model directory");
        }
        Path snapshot = cache.snapshot(commit.get());
        if (why != null) notes.println("vit: note: " + why.getMessage().replaceFirst(";.*", "") + "; using " + id + " from the cache (commit "
                + commit.get().substring(0, 8) + ")");
        if (!Files.exists(snapshot.resolve(PREPROCESSOR)) && !cache.markedMissing(commit.get(), PREPROCESSOR)) {
            notes.println("vit: note: the cache has no " + PREPROCESSOR + " for " + id + "; images are preprocessed as " + CONFIG
                    + " alone says (download the model once online to be sure)");
        }
        return snapshot;
    }

    /** The files a complete snapshot needs that the cache lacks at {@code commit}: none when it can be used offline. */
    private List<String> missing(RepoCache cache, String commit) {
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(cache.file(commit, CONFIG))) missing.add(CONFIG);
        if (!Files.isRegularFile(cache.file(commit, WEIGHTS))) {
            Path index = cache.file(commit, WEIGHTS_INDEX);
            if (!Files.isRegularFile(index)) missing.add(WEIGHTS);
            else for (String shard : SafetensorsCheckpoint.shardFiles(index)) if (!Files.isRegularFile(cache.file(commit, shard))) missing.add(shard);
        }
        return missing;
    }

    /** Fetches a file the model may lack; false (and remembered in {@code .no_exist}) when the commit has none. */
    private boolean fetchIfPresent(RepoCache cache, ModelId id, String commit, String file) {
        if (Files.isRegularFile(cache.file(commit, file))) return true;
        if (cache.markedMissing(commit, file)) return false;
        HubClient.FileInfo info;
        try {
            info = client.head(id, commit, file);
        } catch (HubError e) {
            if (e.kind != Kind.ENTRY_NOT_FOUND) throw e;
            cache.markMissing(commit, file);
            return false;
        }
        fetch(cache, id, commit, file, info);
        return true;
    }

    /** Makes {@code snapshots/<commit>/<file>} present: linked to its blob, downloaded first if the cache lacks it. */
    private void fetch(RepoCache cache, ModelId id, String commit, String file, HubClient.FileInfo known) {
        if (Files.isRegularFile(cache.file(commit, file))) return;
        HubClient.FileInfo info;
        try {
            info = known != null ? known : client.head(id, commit, file);
        } catch (HubError e) {
            if (e.kind != Kind.ENTRY_NOT_FOUND) throw e;
            throw new HubError(Kind.ENTRY_NOT_FOUND, commit, e.getMessage() + ", which its " + WEIGHTS_INDEX
                    + " names; the model is incomplete on the Hub — report it to its authors");
        }
        if (!Files.isRegularFile(cache.blob(info.etag()))) {
            cache.whileLocked(info.etag(), () -> {
                if (!Files.isRegularFile(cache.blob(info.etag()))) {
                    client.download(id, file, info, cache.incomplete(info.etag()), cache.blob(info.etag()), progress);
                }
            });
        }
        cache.link(commit, file, info.etag());
    }
}
