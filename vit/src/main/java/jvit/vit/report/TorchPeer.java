package jvit.vit.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jvit.vit.io.Json;

/**
 * PyTorch eager and ONNX Runtime as peers, through {@code bench/peers/torch_peer.py} in the Python
 * that {@code bin/jvit-peers.sh} installs from the wheels on the machine (or
 * {@code $JVIT_PEERS_PYTHON}). A session is one Python process that loads the model once (and
 * exports it to ONNX for ONNX Runtime), then times as many runs as it is asked for, round after round.
 */
public final class TorchPeer implements ForwardPeer {
    public static final String PYTORCH = "pytorch", ONNXRUNTIME = "onnxruntime";
    /** Untimed runs before the first round: the first allocates, ONNX Runtime's first plans its memory. */
    static final int WARMUP = 2;

    private final String engine;
    private final String python;
    private final Path script;

    private TorchPeer(String engine, String python, Path script) {
        this.engine = engine;
        this.python = python;
        this.script = script;
    }

    /**
     * The peers {@code engines} (of {@link #PYTORCH}, {@link #ONNXRUNTIME}), installing their
     * Python from local wheels the first time; an {@link NumpyPeer.Unavailable} says why there are none.
     */
    public static List<TorchPeer> find(Path home, List<String> engines) {
        Path script = home == null ? null : home.resolve("bench").resolve("peers").resolve("torch_peer.py");
        if (script == null || !Files.isRegularFile(script))
            throw new NumpyPeer.Unavailable("no PyTorch or ONNX Runtime peer: bench/peers/torch_peer.py was not found; run through bin/vit");
        String python = python(home);
        return engines.stream().map(e -> new TorchPeer(e, python, script)).toList();
    }

    /** {@code $JVIT_PEERS_PYTHON}, else what {@code jvit_peers_python} prints (it installs the venv once). */
    private static String python(Path home) {
        String env = System.getenv("JVIT_PEERS_PYTHON");
        if (env != null && !env.isBlank()) return env;
        try {
            Path errors = Files.createTempFile("jvit-peers-", ".err");
            try {
                Process p = new ProcessBuilder("bash", "-c", ". \"$0/bin/jvit-peers.sh\" && jvit_peers_python", home.toString())
                        .redirectError(errors.toFile()).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (p.waitFor() != 0 || out.isEmpty())
                    throw new NumpyPeer.Unavailable("no PyTorch or ONNX Runtime peer: " + lastLine(errors, "bin/jvit-peers.sh found no Python"));
                return out.lines().reduce((a, b) -> b).orElseThrow();
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new NumpyPeer.Unavailable("no PyTorch or ONNX Runtime peer: cannot run bash (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NumpyPeer.Unavailable("interrupted while looking for the PyTorch peers' Python");
        }
    }

    @Override
    public String id() { return engine; }

    @Override
    public Session open(Path modelDir, Path images, Path logits) {
        try {
            return new Server(modelDir, images, logits);
        } catch (IOException e) {
            throw new NumpyPeer.Unavailable("cannot run " + python + ": " + e.getMessage());
        }
    }

    /** One torch_peer.py process: it starts loading at once; the first run waits until it is ready. */
    private final class Server implements Session {
        private final Process process;
        private final Path errors;
        private final BufferedReader out;
        private final Writer in;
        private Map<?, ?> description;

        Server(Path modelDir, Path images, Path logits) throws IOException {
            errors = Files.createTempFile("jvit-" + engine + "-", ".err");
            process = new ProcessBuilder(python, script.toString(), "--engine", engine, "--model", modelDir.toString(),
                    "--images", images.toString(), "--logits", logits.toString(), "--warmup", Integer.toString(WARMUP))
                    .redirectError(errors.toFile()).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        @Override
        public long[] run(int runs) {
            awaitReady();
            try {
                in.write(runs + "\n");
                in.flush();
            } catch (IOException e) {
                throw failed();
            }
            return ((List<?>) answer().get("nanos")).stream().mapToLong(v -> ((Number) v).longValue()).toArray();
        }

        /** The first line: the versions, once the model is loaded, warmed up and its logits written. */
        @Override
        public void awaitReady() {
            if (description == null) description = answer();
        }

        private Map<?, ?> answer() {
            try {
                for (String line; (line = out.readLine()) != null; )
                    if (line.startsWith("{")) return (Map<?, ?>) Json.parse(line);
            } catch (IOException | RuntimeException e) {
                // the process died or wrote something else: its stderr says why
            }
            throw failed();
        }

        private NumpyPeer.Unavailable failed() {
            process.destroy();
            return new NumpyPeer.Unavailable(ForwardPeer.label(engine) + " (bench/peers/torch_peer.py) failed: " + lastLine(errors, "no message"));
        }

        /** {@code PyTorch 2.14.1 eager (timm 1.0.29), 2 threads}, {@code ONNX Runtime 1.30.0 (opset 20, ...)}. */
        @Override
        public String description() {
            if (description == null) return "";
            Map<?, ?> d = description;
            String library = d.get("library") + " " + d.get(d.get("library"));
            return engine.equals(PYTORCH) ? "PyTorch " + d.get("torch") + " eager (" + library + "), " + d.get("threads") + " threads"
                    : "ONNX Runtime " + d.get("onnxruntime") + " (exported by PyTorch " + d.get("torch") + " from " + library + ", opset "
                    + d.get("onnx_opset") + "), every graph optimisation, " + d.get("threads") + " intra-op threads";
        }

        @Override
        public void close() {
            try {
                in.close();
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } finally {
                errors.toFile().delete();
            }
        }
    }

    private static String lastLine(Path file, String otherwise) {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(file));
            lines.removeIf(String::isBlank);
            return lines.isEmpty() ? otherwise : lines.getLast().strip();
        } catch (IOException e) {
            return otherwise;
        }
    }
}
