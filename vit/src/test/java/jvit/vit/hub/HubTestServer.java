package jvit.vit.hub;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Hugging Face Hub in miniature on the loopback address, shaped as the real one answers
 * {@code huggingface_hub}: {@code /<org>/<name>/resolve/<revision>/<file>} with
 * {@code X-Repo-Commit}, a quoted {@code ETag} (the git blob id of a small file) and, for
 * {@code .safetensors} files (LFS on the Hub), a 302 to a "CDN" on another host name
 * ({@code localhost} rather than {@code 127.0.0.1}) with {@code X-Linked-Etag} (the SHA-256) and
 * {@code X-Linked-Size}; the CDN honours {@code Range: bytes=N-}. Errors carry the Hub's
 * {@code X-Error-Code}s. Faults can be injected: downloads cut short, corrupt bytes, 5xx answers.
 */
final class HubTestServer implements AutoCloseable {
    record Request(String method, String host, String path, String range, String authorization) {}

    /** A repository: commits of files, refs (branches and tags) naming commits, and who may read it. */
    static final class Repo {
        final Map<String, Map<String, byte[]>> commits = new LinkedHashMap<>();
        final Map<String, String> refs = new HashMap<>();
        boolean gated, isPrivate;
        final Set<String> readers = new HashSet<>();
        String movedTo;

        /** Adds a commit with {@code files} and points each of {@code refs} at it; returns its hash. */
        String commit(Map<String, byte[]> files, String... refNames) {
            String hash = HexFormat.of().formatHex(digest("SHA-1", (commits.size() + ":" + files.keySet()).getBytes(StandardCharsets.UTF_8)));
            commits.put(hash, new LinkedHashMap<>(files));
            for (String ref : refNames) refs.put(ref, hash);
            return hash;
        }
    }

    final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Repo> repos = new HashMap<>();
    final Set<String> validTokens = new HashSet<>();
    /** The next {@code cuts} CDN downloads stop after {@code cutAfter} bytes of their body. */
    final AtomicInteger cuts = new AtomicInteger();
    /** The next {@code stalls} CDN downloads send {@code cutAfter} bytes, then nothing until the server closes. */
    final AtomicInteger stalls = new AtomicInteger();
    volatile long cutAfter;
    private final CountDownLatch closing = new CountDownLatch(1);
    volatile boolean corrupt, down, noCommitHeader;
    private final HttpServer server;
    private final Map<String, byte[]> blobs = new HashMap<>();

    HubTestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool()); // a stalled answer must not hold up the others
        server.start();
    }

    Repo repo(String id) {
        return repos.computeIfAbsent(id, k -> new Repo());
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    HubSettings settings(java.nio.file.Path cache, String token, boolean offline) {
        return new HubSettings(endpoint(), cache, token, offline);
    }

    long count(String method, String pathPart) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.method.equals(method) && r.path.contains(pathPart)).count();
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest("SHA-256", bytes));
    }

    static String gitBlobId(byte[] bytes) {
        byte[] header = ("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(header, header.length + bytes.length);
        System.arraycopy(bytes, 0, all, header.length, bytes.length);
        return HexFormat.of().formatHex(digest("SHA-1", all));
    }

    private static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            Headers in = x.getRequestHeaders();
            String path = x.getRequestURI().getRawPath();
            requests.add(new Request(x.getRequestMethod(), in.getFirst("Host"), path, in.getFirst("Range"), in.getFirst("Authorization")));
            if (down) {
                send(x, 503, null);
            } else if (path.startsWith("/cdn/")) {
                cdn(x, path.substring("/cdn/".length()));
            } else {
                resolve(x, path);
            }
        }
    }

    private void resolve(HttpExchange x, String rawPath) throws IOException {
        String[] parts = rawPath.substring(1).split("/", 5);
        if (parts.length < 5 || !parts[2].equals("resolve")) {
            send(x, 404, null);
            return;
        }
        String repoId = parts[0] + "/" + parts[1];
        String revision = URLDecoder.decode(parts[3], StandardCharsets.UTF_8);
        String file = URLDecoder.decode(parts[4], StandardCharsets.UTF_8);
        String auth = x.getRequestHeaders().getFirst("Authorization");
        String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
        Headers out = x.getResponseHeaders();
        if (token != null && !validTokens.contains(token)) {
            out.set("X-Error-Message", "Invalid credentials in Authorization header");
            send(x, 401, null);
            return;
        }
        Repo repo = repos.get(repoId);
        if (repo != null && repo.movedTo != null) {
            out.set("Location", "/" + repo.movedTo + "/resolve/" + parts[3] + "/" + parts[4]);
            send(x, 307, null);
            return;
        }
        if (repo == null || (repo.isPrivate && !repo.readers.contains(token))) {
            out.set("X-Error-Code", "RepoNotFound");
            send(x, token == null ? 401 : 404, null);
            return;
        }
        if (repo.gated && !repo.readers.contains(token)) {
            out.set("X-Error-Code", "GatedRepo");
            send(x, token == null ? 401 : 403, null);
            return;
        }
        String commit = repo.commits.containsKey(revision) ? revision : repo.refs.get(revision);
        if (commit == null) {
            out.set("X-Error-Code", "RevisionNotFound");
            send(x, 404, null);
            return;
        }
        if (!noCommitHeader) out.set("X-Repo-Commit", commit);
        byte[] bytes = repo.commits.get(commit).get(file);
        if (bytes == null) {
            out.set("X-Error-Code", "EntryNotFound");
            send(x, 404, null);
            return;
        }
        if (file.endsWith(".safetensors")) {
            String sha = sha256(bytes);
            synchronized (blobs) {
                blobs.put(sha, bytes);
            }
            out.set("ETag", "\"" + gitBlobId(("version https://git-lfs.github.com/spec/v1\noid sha256:" + sha).getBytes(StandardCharsets.UTF_8)) + "\"");
            out.set("X-Linked-Etag", "\"" + sha + "\"");
            out.set("X-Linked-Size", Long.toString(bytes.length));
            out.set("Location", "http://localhost:" + server.getAddress().getPort() + "/cdn/" + sha);
            send(x, 302, null);
        } else {
            out.set("ETag", "\"" + gitBlobId(bytes) + "\"");
            send(x, 200, bytes);
        }
    }

    private void cdn(HttpExchange x, String sha) throws IOException {
        byte[] bytes;
        synchronized (blobs) {
            bytes = blobs.get(sha);
        }
        if (bytes == null) {
            send(x, 404, null);
            return;
        }
        if (corrupt) {
            bytes = bytes.clone();
            bytes[bytes.length / 2] ^= 1;
        }
        String range = x.getRequestHeaders().getFirst("Range");
        int start = 0;
        if (range != null && range.matches("bytes=\\d+-")) {
            start = Integer.parseInt(range.substring(6, range.length() - 1));
            if (start >= bytes.length) {
                send(x, 416, null);
                return;
            }
            x.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        byte[] body = Arrays.copyOfRange(bytes, start, bytes.length);
        int status = start > 0 ? 206 : 200;
        if (x.getRequestMethod().equals("GET") && stalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            x.sendResponseHeaders(status, body.length);
            x.getResponseBody().write(body, 0, (int) Math.min(cutAfter, body.length - 1));
            x.getResponseBody().flush();
            try {
                closing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("stalled on purpose");
        }
        if (x.getRequestMethod().equals("GET") && cuts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            // Promise the whole body, send part of it, and hang up: a dropped connection.
            x.sendResponseHeaders(status, body.length);
            OutputStream out = x.getResponseBody();
            out.write(body, 0, (int) Math.min(cutAfter, body.length - 1));
            out.flush();
            throw new IOException("cut short on purpose");
        }
        send(x, status, body);
    }

    private static void send(HttpExchange x, int status, byte[] body) throws IOException {
        boolean head = x.getRequestMethod().equals("HEAD");
        if (body != null && head) {
            x.getResponseHeaders().set("Content-Length", Long.toString(body.length));
            x.sendResponseHeaders(status, -1);
        } else if (body == null || body.length == 0) {
            x.sendResponseHeaders(status, -1);
        } else {
            x.sendResponseHeaders(status, body.length);
            x.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
