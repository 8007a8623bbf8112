package jvit.vit.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import jvit.runtime.Tensor;
import jvit.vit.ViTConfig;
import jvit.vit.io.FloatTensor;
import jvit.vit.io.Npy;
import jvit.vit.train.ModelFiles;

/**
 * The peers' side of a forward case: the weights and images the devices run, written to a
 * temporary directory (or a model directory as it is), and a session per peer over them, all
 * started at once so that their Pythons load side by side. Each peer writes its logits, which
 * {@link #check} compares with a device's. Closing ends the sessions and deletes the directory.
 */
public final class PeerForward implements AutoCloseable {
    private final Path dir;
    private final Map<String, ForwardPeer.Session> sessions = new LinkedHashMap<>();

    private PeerForward(Path dir) { this.dir = dir; }

    /** The peers over {@code weights} (timm's names) of a {@code config} model, on {@code images} ({@code [batch, channels, size, size]}). */
    public static PeerForward export(List<? extends ForwardPeer> peers, ViTConfig config, List<Tensor> weights, MemorySegment images,
                                     int batch, Consumer<String> notes) {
        PeerForward f = create();
        ModelFiles.write(f.dir.resolve("model"), config, weights, Map.of("format", "pt"));
        return f.start(peers, f.dir.resolve("model"), config, images, batch, notes);
    }

    /** The peers over the model directory {@code model} as it is. */
    public static PeerForward open(List<? extends ForwardPeer> peers, Path model, ViTConfig config, MemorySegment images, int batch,
                                   Consumer<String> notes) {
        return create().start(peers, model, config, images, batch, notes);
    }

    private static PeerForward create() {
        try {
            return new PeerForward(Files.createTempDirectory("jvit-peers-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PeerForward start(List<? extends ForwardPeer> peers, Path model, ViTConfig config, MemorySegment images, int batch,
                              Consumer<String> notes) {
        int size = config.imageSize();
        Npy.write(dir.resolve("images.npy"), new FloatTensor(new long[] {batch, config.channels(), size, size}, images));
        for (ForwardPeer p : peers)
            try {
                sessions.put(p.id(), p.open(model, dir.resolve("images.npy"), logits(p.id())));
            } catch (NumpyPeer.Unavailable e) {
                notes.accept(ForwardPeer.label(p.id()) + ": left out, " + e.getMessage());
            }
        return this;
    }

    /** The peers that started, by id. */
    public Map<String, ForwardPeer.Session> sessions() { return sessions; }

    /**
     * Waits until every peer has loaded: their Pythons load side by side with jvit's devices, but
     * no timing may start while one is still loading (it took a core from the first round of the
     * rest). A peer that fails to load is noted and dropped.
     */
    public void awaitReady(Consumer<String> notes) {
        for (var e : List.copyOf(sessions.entrySet()))
            try {
                e.getValue().awaitReady();
            } catch (NumpyPeer.Unavailable failure) {
                leaveOut(e.getKey(), failure, notes);
            }
    }

    /** Notes why a peer failed and ends it, so that the rounds go on without it. */
    public void leaveOut(String peer, NumpyPeer.Unavailable failure, Consumer<String> notes) {
        notes.accept(ForwardPeer.label(peer) + ": left out, " + failure.getMessage());
        drop(peer);
    }

    /** Ends a peer that failed, so that the rounds go on without it. */
    public void drop(String peer) {
        ForwardPeer.Session s = sessions.remove(peer);
        if (s != null) s.close();
    }

    private Path logits(String peer) { return dir.resolve("logits-" + peer + ".npy"); }

    /** {@code device}'s logits ({@code jvit}, the same images) against {@code peer}'s, once the peer has run. */
    public LogitCheck check(String model, int batch, String device, MemorySegment jvit, String peer) {
        try (Arena arena = Arena.ofConfined()) {
            float[] theirs = Npy.read(logits(peer), arena).toArray();
            double difference = 0, largest = 0;
            for (int i = 0; i < theirs.length; i++) {
                difference = Math.max(difference, Math.abs(theirs[i] - jvit.getAtIndex(ValueLayout.JAVA_FLOAT, i)));
                largest = Math.max(largest, Math.abs(theirs[i]));
            }
            if (theirs.length != jvit.byteSize() / Float.BYTES) difference = Double.NaN;
            return new LogitCheck(model, batch, device, peer, difference, largest);
        }
    }

    @Override
    public void close() {
        sessions.values().forEach(ForwardPeer.Session::close);
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
