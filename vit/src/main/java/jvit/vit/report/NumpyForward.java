package jvit.vit.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jvit.vit.benchmark.ForwardWorkload;
import jvit.vit.benchmark.ModelCase;
import jvit.vit.benchmark.Workload;
import jvit.vit.io.FloatTensor;
import jvit.vit.io.Npy;
import jvit.vit.train.ModelFiles;

/**
 * The NumPy peer's side of a forward case: the weights and images the devices run, written to a
 * temporary directory where {@code numpy_vit.py} reads them; after the peer's first call, its
 * logits are checked against each device's. Closing deletes the directory.
 */
final class NumpyForward implements AutoCloseable {
    private final NumpyPeer peer;
    private final ModelCase model;
    private final Map<String, Workload> devices;
    private final Path dir;
    private final List<LogitCheck> checks = new ArrayList<>();

    private NumpyForward(NumpyPeer peer, ModelCase model, Map<String, Workload> devices, Path dir) {
        this.peer = peer;
        this.model = model;
        this.devices = devices;
        this.dir = dir;
    }

    /** Writes the first device's weights and images (every device has the same: the seeds are fixed). */
    static NumpyForward export(NumpyPeer peer, ModelCase c, Map<String, Workload> devices) {
        ForwardWorkload source = (ForwardWorkload) devices.values().iterator().next();
        try {
            Path dir = Files.createTempDirectory("jvit-report-");
            ModelFiles.write(dir.resolve("model"), c.config(), source.weights().all(), Map.of("format", "pt"));
            int size = c.config().imageSize();
            Npy.write(dir.resolve("images.npy"), new FloatTensor(new long[] {c.batch(), c.config().channels(), size, size}, source.images()));
            return new NumpyForward(peer, c, devices, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Nanoseconds of {@code runs} timed forward passes in one NumPy process. */
    long[] run(int runs) {
        Path logits = dir.resolve("logits.npy");
        long[] nanos = peer.vitForward(dir.resolve("model"), dir.resolve("images.npy"), logits, ReportRunner.PEER_WARMUP, runs);
        if (checks.isEmpty())
            devices.forEach((device, w) -> checks.add(compare(device, ((ForwardWorkload) w).logits(), logits)));
        return nanos;
    }

    /** Each device's logits against the peer's, once it has run. */
    List<LogitCheck> checks() { return List.copyOf(checks); }

    private LogitCheck compare(String device, MemorySegment jvit, Path numpyLogits) {
        try (Arena arena = Arena.ofConfined()) {
            float[] theirs = Npy.read(numpyLogits, arena).toArray();
            double difference = 0, largest = 0;
            for (int i = 0; i < theirs.length; i++) {
                difference = Math.max(difference, Math.abs(theirs[i] - jvit.getAtIndex(ValueLayout.JAVA_FLOAT, i)));
                largest = Math.max(largest, Math.abs(theirs[i]));
            }
            return new LogitCheck(model.name(), model.batch(), device, difference, largest);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
