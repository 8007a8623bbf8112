package jvit.vit.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jvit.kernels.Op;
import jvit.vit.io.Json;

/**
 * NumPy as the CPU peer, through the scripts in {@code bench/peers/}: {@code numpy_matmul.py}
 * (GEMM, with OpenBLAS or whichever BLAS NumPy was built with) and {@code numpy_vit.py} (a ViT
 * forward pass). Each call is a fresh process that warms up, times, and prints JSON.
 */
public final class NumpyPeer implements ForwardPeer {
    /** The name results carry in place of a device id. */
    public static final String ID = "numpy";

    private final String python;
    private final Path scripts;
    private Map<String, String> description = Map.of();

    private NumpyPeer(String python, Path scripts) {
        this.python = python;
        this.scripts = scripts;
    }

    /**
     * The peer, with {@code $JVIT_PYTHON} (else {@code python3}) and the scripts under
     * {@code home/bench/peers}, or an {@link Unavailable} saying why there is none.
     */
    public static NumpyPeer find(Path home) {
        Path scripts = home == null ? null : home.resolve("bench").resolve("peers");
        if (scripts == null || !Files.isRegularFile(scripts.resolve("numpy_vit.py")))
            throw new Unavailable("no NumPy peer: its scripts (bench/peers/) were not found; run through bin/vit");
        String env = System.getenv("JVIT_PYTHON");
        String python = env == null || env.isBlank() ? "python3" : env;
        NumpyPeer peer = new NumpyPeer(python, scripts);
        try {
            peer.call(List.of("-c", "import numpy"));
        } catch (Unavailable e) {
            throw new Unavailable("no NumPy peer: " + python + " cannot import numpy (install python3-numpy, or set JVIT_PYTHON)");
        }
        return peer;
    }

    /** Why there is no peer, or why a call failed: a report notes it and goes on without. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String message) { super(message); }
    }

    @Override
    public String id() { return ID; }

    /** NumPy's version and its BLAS, as the last call reported them. */
    public Map<String, String> description() { return description; }

    /** {@code NumPy 2.2.4, BLAS openblas 0.3.29, all cores}; empty before the first call. */
    String words() {
        return description.isEmpty() ? "" : "NumPy " + description.get("numpy") + ", BLAS " + description.get("blas") + ", all cores";
    }

    /** A process per call: NumPy has nothing to load that a call does not load again. */
    @Override
    public Session open(Path modelDir, Path images, Path logits) {
        return new Session() {
            @Override
            public long[] run(int runs) { return vitForward(modelDir, images, logits, ReportRunner.PEER_WARMUP, runs); }

            @Override
            public String description() { return words(); }

            @Override
            public void close() {}
        };
    }

    /** Nanoseconds of each timed call of each product, in order. */
    public List<long[]> matmul(List<Op.Matmul> products, int warmup, int runs) {
        List<String> args = new ArrayList<>(List.of(scripts.resolve("numpy_matmul.py").toString(),
                "--warmup", Integer.toString(warmup), "--runs", Integer.toString(runs)));
        for (Op.Matmul m : products) args.add(shape(m));
        List<long[]> out = new ArrayList<>();
        for (Object calls : (List<?>) run(args).get("nanos")) out.add(longs((List<?>) calls));
        return out;
    }

    /** {@code [BATCHx]MxNxK:[nt][nt][+bias]} (A's layout, then B's), as numpy_matmul.py reads it. */
    static String shape(Op.Matmul m) {
        return (m.batch() > 1 ? m.batch() + "x" : "") + m.m() + "x" + m.n() + "x" + m.k() + ":" + (m.transposedA() ? "t" : "n")
                + (m.transposedB() ? "t" : "n")
                + (m.bias() ? "+bias" : "");
    }

    /** Nanoseconds of each timed forward pass of the model in {@code modelDir} on {@code images}; the logits go to {@code logits}. */
    public long[] vitForward(Path modelDir, Path images, Path logits, int warmup, int runs) {
        return longs((List<?>) run(List.of(scripts.resolve("numpy_vit.py").toString(), "--model", modelDir.toString(),
                "--images", images.toString(), "--logits", logits.toString(),
                "--warmup", Integer.toString(warmup), "--runs", Integer.toString(runs))).get("nanos"));
    }

    /** Runs a script; its JSON output, whose version fields become the description. */
    private Map<?, ?> run(List<String> args) {
        Map<?, ?> result = (Map<?, ?>) Json.parse(call(args));
        Map<String, String> d = new LinkedHashMap<>();
        for (String key : List.of("numpy", "blas")) if (result.get(key) != null) d.put(key, result.get(key).toString());
        description = d;
        return result;
    }

    private String call(List<String> args) {
        List<String> command = new ArrayList<>(List.of(python));
        command.addAll(args);
        Path errors = null;
        try {
            errors = Files.createTempFile("jvit-numpy-", ".err");
            Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = p.waitFor();
            if (status != 0)
                throw new Unavailable(command.get(1) + " exited with status " + status + ": "
                        + Files.readAllLines(errors).stream().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("no message"));
            return out;
        } catch (IOException e) {
            throw new Unavailable("cannot run " + python + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while running " + python);
        } finally {
            if (errors != null) errors.toFile().delete();
        }
    }

    private static long[] longs(List<?> values) {
        return values.stream().mapToLong(v -> ((Number) v).longValue()).toArray();
    }
}
