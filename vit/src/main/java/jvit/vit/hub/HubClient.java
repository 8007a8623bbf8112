package jvit.vit.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jvit.runtime.UserError;
import jvit.runtime.io.IoErrors;
import jvit.vit.hub.HubError.Kind;

/**
 * The Hub's file protocol, as {@code huggingface_hub} speaks it. {@code HEAD
 * <endpoint>/<repo>/resolve/<revision>/<file>} answers with the commit ({@code X-Repo-Commit}),
 * the file's ETag and size; a large (LFS) file answers with a redirect to where its bytes are, its
 * SHA-256 in {@code X-Linked-Etag} and its size in {@code X-Linked-Size}. Redirects on the same
 * host (a renamed repository) are followed; one to another host (a CDN) is where the bytes are
 * fetched from, without the token. Failures are {@link HubError}s, one line saying what to do.
 */
final class HubClient {
    /** What the Hub says of a file: the commit it is in, its ETag, its size (-1: not stated) and where to GET it. */
    record FileInfo(String commit, String etag, long size, URI location) {}

    private static final int MAX_REDIRECTS = 10, ATTEMPTS = 3;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10), RETRY_PAUSE = Duration.ofMillis(250);
    /** Closes a download's stream when no bytes came for {@code HF_HUB_DOWNLOAD_TIMEOUT}: a closed stream's blocked read fails at once. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("jvit-hub-watchdog").factory());
    /** An ETag names a file in the cache: hex on the Hub, and never anything that could leave the blobs folder. */
    private static final Pattern SAFE_ETAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");

    /** One client for the process: it holds a selector thread and a connection pool, and knows nothing of the settings. */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final HubSettings settings;

    HubClient(HubSettings settings) {
        this.settings = settings;
    }

    /** The file's metadata at {@code revision}. */
    FileInfo head(ModelId id, String revision, String file) {
        URI url = resolveUrl(id, revision, file);
        HttpResponse<Void> response = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            response = send(request(url, settings.etagTimeout()).method("HEAD", HttpRequest.BodyPublishers.noBody()), id, file);
            Optional<URI> next = redirect(response);
            if (next.isEmpty() || !sameHost(url, next.get())) break;
            url = next.get();
        }
        HttpHeaders h = response.headers();
        int status = response.statusCode();
        if (status >= 400) throw failure(response, id, revision, file);
        String commit = h.firstValue("X-Repo-Commit").orElseThrow(() -> new HubError(Kind.REFUSED, settings.endpoint()
                + " did not answer as a Hugging Face Hub does (no X-Repo-Commit header for " + id.repo() + "/" + file
                + "); check HF_ENDPOINT, or the proxy and firewall"));
        String etag = h.firstValue("X-Linked-Etag").or(() -> h.firstValue("ETag")).map(HubClient::normalizeEtag)
                .filter(e -> SAFE_ETAG.matcher(e).matches())
                .orElseThrow(() -> new HubError(Kind.REFUSED, settings.endpoint() + " gave no usable ETag for " + id.repo() + "/" + file
                        + "; check HF_ENDPOINT, or the proxy and firewall"));
        Optional<URI> location = redirect(response);
        long size = size(h, "X-Linked-Size");
        if (size < 0 && location.isEmpty()) size = size(h, "Content-Length");
        // The bytes of a small file are fetched at the commit, so that a branch moving meanwhile cannot mix two snapshots.
        return new FileInfo(commit, etag, size, location.orElseGet(() -> resolveUrl(id, commit, file)));
    }

    /**
     * Downloads a file into {@code incomplete}, resuming from what it already holds (with a Range
     * request) and, within this call, after a broken connection; checks the size and hash the Hub
     * stated; then renames it to {@code blob}. An interrupted download stays in {@code incomplete}
     * for the next run to resume; a corrupt one is deleted.
     */
    void download(ModelId id, String file, FileInfo info, Path incomplete, Path blob, DownloadProgress progress) {
        try {
            Files.createDirectories(incomplete.getParent());
        } catch (IOException e) {
            throw UserError.inFile(incomplete.getParent(), "cannot create: " + IoErrors.describe(e) + "; check that the cache is writable");
        }
        String what = id.repo() + "/" + file;
        IOException lastBreak = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long have = size(incomplete);
            if (info.size() >= 0 && have > info.size()) have = truncate(incomplete);
            if (info.size() >= 0 && have == info.size()) {
                lastBreak = null; // whole, though the connection broke after the last byte
                break;
            }
            try {
                if (attempt > 0) Thread.sleep(RETRY_PAUSE.multipliedBy(attempt));
                if (fetch(id, file, info, incomplete, have, progress)) {
                    lastBreak = null;
                    break;
                }
            } catch (IOException broken) {
                lastBreak = broken;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lastBreak = new InterruptedIOException("interrupted");
                break;
            }
        }
        if (lastBreak != null) {
            throw new HubError(Kind.INTERRUPTED, "the download of " + what + " broke off at " + size(incomplete) + " of "
                    + (info.size() >= 0 ? info.size() : "?") + " bytes (" + describe(lastBreak) + "); run the same command again to resume it");
        }
        BlobCheck.Mismatch mismatch = BlobCheck.verify(incomplete, info.etag(), info.size());
        if (mismatch != null) {
            truncateAway(incomplete);
            throw new HubError(Kind.REFUSED, what + " as downloaded " + mismatch + "; it was deleted — run again to"
                    + " download it afresh (if it recurs, check the network's proxy or HF_ENDPOINT)");
        }
        try (FileChannel channel = FileChannel.open(incomplete, StandardOpenOption.WRITE)) {
            channel.force(true);
            Files.move(incomplete, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw UserError.inFile(blob, "cannot write: " + IoErrors.describe(e) + "; check that the cache is writable and has room");
        }
    }

    /** One GET from {@code have} on; true when the body arrived whole, false when the server ignored the range (start again). */
    private boolean fetch(ModelId id, String file, FileInfo info, Path incomplete, long have, DownloadProgress progress) throws IOException {
        URI url = info.location();
        HttpResponse<InputStream> response = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = request(url, settings.downloadTimeout());
            if (have > 0) request.header("Range", "bytes=" + have + "-");
            response = sendStreaming(request);
            Optional<URI> next = redirect(response);
            if (next.isEmpty()) break;
            response.body().close();
            url = next.get();
        }
        int status = response.statusCode();
        try (InputStream body = response.body()) {
            long start;
            if (status == 206) {
                Matcher m = CONTENT_RANGE.matcher(response.headers().firstValue("Content-Range").orElse(""));
                if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                    truncate(incomplete); // an answer for another range: start afresh
                    return false;
                }
                start = have;
            } else if (status == 200) {
                start = 0; // the whole file, whatever was asked
            } else if (status == 416) {
                truncate(incomplete); // what is here does not fit the file: start afresh
                return false;
            } else {
                throw failure(response, id, info.commit(), file);
            }
            try (FileChannel out = FileChannel.open(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                out.truncate(start);
                out.position(start);
                progress.start(file, info.size(), start);
                byte[] buffer = new byte[1 << 16];
                AtomicLong lastBytes = new AtomicLong(System.nanoTime());
                long limit = settings.downloadTimeout().toNanos();
                AtomicBoolean stalled = new AtomicBoolean();
                ScheduledFuture<?> watch = WATCHDOG.scheduleAtFixedRate(() -> {
                    if (System.nanoTime() - lastBytes.get() > limit && !stalled.getAndSet(true)) closeQuietly(body);
                }, limit / 4, limit / 4, TimeUnit.NANOSECONDS);
                try {
                    for (int n; (n = body.read(buffer)) > 0; ) {
                        lastBytes.set(System.nanoTime());
                        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                        while (chunk.hasRemaining()) out.write(chunk);
                        progress.advance(n);
                    }
                } catch (IOException e) {
                    if (stalled.get()) throw new IOException("no data for " + seconds(settings.downloadTimeout()) + " s", e);
                    throw e;
                } finally {
                    watch.cancel(false);
                    progress.finish();
                }
            }
            if (info.size() >= 0 && size(incomplete) < info.size()) throw new IOException("the connection closed early");
            return true;
        }
    }

    /** {@code <endpoint>/<repo>/resolve/<revision>/<file>}, the revision escaped whole (a branch {@code refs/pr/1} too), as {@code hf_hub_url} does. */
    /** A size header's value; -1 where it is missing or not a count of bytes, as {@code huggingface_hub}'s {@code _int_or_none}. */
    private static long size(HttpHeaders headers, String name) {
        try {
            return headers.firstValue(name).map(v -> Long.parseLong(v.strip())).filter(n -> n >= 0).orElse(-1L);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : Double.toString(d.toMillis() / 1000.0);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the reader sees the stream closed, which is all that was wanted
        }
    }

    private URI resolveUrl(ModelId id, String revision, String file) {
        String path = Arrays.stream(file.split("/")).map(HubClient::segment).collect(Collectors.joining("/"));
        return URI.create(settings.endpoint() + "/" + id.repo() + "/resolve/" + segment(revision) + "/" + path);
    }

    static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(URI url, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout).header("User-Agent", userAgent())
                .header("Accept-Encoding", "identity");
        // The token goes to the Hub only, never to the CDN a large file redirects to.
        if (settings.token() != null && sameHost(settings.endpoint(), url)) b.header("Authorization", "Bearer " + settings.token());
        return b;
    }

    private static String userAgent() {
        String version = HubClient.class.getPackage().getImplementationVersion();
        return "jvit/" + (version == null ? "dev" : version) + "; java/" + Runtime.version().feature();
    }

    private HttpResponse<Void> send(HttpRequest.Builder request, ModelId id, String file) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw unreachable(e, id, file);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(new InterruptedIOException("interrupted"), id, file);
        }
    }

    /** A GET whose failure to connect is, like a broken body, something the next attempt resumes from. */
    private static HttpResponse<InputStream> sendStreaming(HttpRequest.Builder request) throws IOException {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    private HubError unreachable(IOException e, ModelId id, String file) {
        return new HubError(Kind.UNREACHABLE, "cannot reach the Hub at " + settings.endpoint() + " for " + id.repo() + "/" + file + " ("
                + describe(e) + "); check the network (or HF_ENDPOINT), or set HF_HUB_OFFLINE=1 to use models already in " + settings.cache());
    }

    private static String describe(IOException e) {
        return switch (e) {
            case HttpConnectTimeoutException t -> "connection timed out";
            case HttpTimeoutException t -> "no answer in time";
            case ConnectException c -> c.getMessage() != null && !c.getMessage().isBlank() ? c.getMessage() : "connection refused";
            default -> IoErrors.describe(e);
        };
    }

    /** The one line for an error status, after {@code huggingface_hub}'s {@code hf_raise_for_status}. */
    private HubError failure(HttpResponse<?> response, ModelId id, String revision, String file) {
        int status = response.statusCode();
        String code = response.headers().firstValue("X-Error-Code").orElse("");
        String message = response.headers().firstValue("X-Error-Message").orElse("");
        String repoPage = settings.endpoint() + "/" + id.repo();
        String token = settings.token() == null ? "set HF_TOKEN to a token that can read it" : "check that your token (HF_TOKEN) can read it";
        if (code.equals("RevisionNotFound")) {
            return new HubError(Kind.REFUSED, id.repo() + " has no revision '" + revision + "' on " + settings.endpoint()
                    + "; give a branch, tag or commit hash it has (" + repoPage + "/tree/main)");
        }
        if (code.equals("EntryNotFound") || (status == 404 && response.headers().firstValue("X-Repo-Commit").isPresent())) {
            return new HubError(Kind.ENTRY_NOT_FOUND, response.headers().firstValue("X-Repo-Commit").orElse(null),
                    id.repo() + "@" + revision + " has no file " + file + " on " + settings.endpoint());
        }
        if (code.equals("GatedRepo")) {
            return new HubError(Kind.REFUSED, id.repo() + " is a gated model: accept its conditions at " + repoPage
                    + " while logged in, then " + (settings.token() == null ? "set HF_TOKEN to a token of that account"
                    : "check that HF_TOKEN is a token of that account"));
        }
        if (status == 401 && message.equals("Invalid credentials in Authorization header")) {
            return new HubError(Kind.REFUSED, settings.endpoint() + " refused the token (HF_TOKEN, or the one `hf auth login` saved) as invalid;"
                    + " set HF_TOKEN to a valid token from " + settings.endpoint() + "/settings/tokens, or unset it for public models");
        }
        if (code.equals("RepoNotFound") || status == 401 || status == 404) {
            return new HubError(Kind.REPO_NOT_FOUND, "no model " + id.repo() + " on " + settings.endpoint() + " (or it is private);"
                    + " check the name, or " + token);
        }
        if (status == 403) {
            return new HubError(Kind.REFUSED, settings.endpoint() + " refused access to " + id.repo() + "/" + file + " (403"
                    + (message.isEmpty() ? "" : ": " + message) + "); " + token);
        }
        if (status == 429 || status >= 500) {
            return new HubError(Kind.SERVER, settings.endpoint() + " answered " + status + " for " + id.repo() + "/" + file
                    + "; the Hub is busy or down — try again later (or set HF_HUB_OFFLINE=1 to use the cache)");
        }
        return new HubError(Kind.REFUSED, settings.endpoint() + " answered " + status + " for " + id.repo() + "/" + file
                + (message.isEmpty() ? "" : " (" + message + ")") + "; check HF_ENDPOINT and the model's name");
    }

    private static Optional<URI> redirect(HttpResponse<?> response) {
        int s = response.statusCode();
        if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) return Optional.empty();
        return response.headers().firstValue("Location").map(l -> response.uri().resolve(l));
    }

    private static boolean sameHost(URI a, URI b) {
        return a.getHost() != null && a.getHost().equalsIgnoreCase(Objects.requireNonNullElse(b.getHost(), ""));
    }

    /** {@code W/"abc"} and {@code "abc"} both name {@code abc}, as {@code huggingface_hub}'s {@code _normalize_etag} has it. */
    static String normalizeEtag(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) e = e.substring(2);
        return e.replaceAll("^\"+|\"+$", "");
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static long truncate(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(0);
        } catch (IOException e) {
            throw UserError.inFile(file, "cannot write: " + IoErrors.describe(e) + "; check that the cache is writable");
        }
        return 0;
    }

    private static void truncateAway(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw UserError.inFile(file, "cannot delete a corrupt download: " + IoErrors.describe(e) + "; delete it by hand");
        }
    }
}
