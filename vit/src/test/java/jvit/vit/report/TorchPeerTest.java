package jvit.vit.report;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jvit.runtime.Devices;
import jvit.vit.benchmark.ForwardWorkload;
import jvit.vit.benchmark.ModelCases;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * PyTorch and ONNX Runtime load the weights jvit wrote, time rounds in one process each, and give
 * jvit's logits; skipped where their Python (bin/jvit-peers.sh's venv) is not built.
 */
class TorchPeerTest {
    static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    @Test
    void bothPeersRunRoundsOnJvitsWeightsAndAgreeWithItsLogits() throws Exception {
        Process ready = new ProcessBuilder("bash", "-c", ". bin/jvit-peers.sh && jvit_peers_ready").directory(HOME.toFile()).inheritIO().start();
        Assumptions.assumeTrue(ready.waitFor() == 0 || System.getenv("JVIT_PEERS_PYTHON") != null,
                "the PyTorch/ONNX Runtime venv is not built (bin/jvit-peers.sh builds it from local wheels once)");
        List<String> notes = new ArrayList<>();
        var config = ModelCases.tinyConfig();
        try (ForwardWorkload jvit = ForwardWorkload.open(config, 3, Devices.get("java"));
             PeerForward peers = PeerForward.export(TorchPeer.find(HOME, List.of(TorchPeer.PYTORCH, TorchPeer.ONNXRUNTIME)), config,
                     jvit.weights().all(), jvit.images(), 3, notes::add)) {
            assertEquals(List.of(TorchPeer.PYTORCH, TorchPeer.ONNXRUNTIME), List.copyOf(peers.sessions().keySet()), notes.toString());
            peers.awaitReady(notes::add); // both loaded: nothing left to share the cores with a timing
            assertEquals(2, peers.sessions().size(), notes.toString());
            for (var session : peers.sessions().values()) assertFalse(session.description().isEmpty());
            for (var e : peers.sessions().entrySet()) {
                for (int round = 0; round < 2; round++) {
                    long[] nanos = e.getValue().run(2);
                    assertEquals(2, nanos.length);
                    for (long n : nanos) assertTrue(n > 0, e.getKey());
                }
                LogitCheck check = peers.check("tiny", 3, "java", jvit.logits(), e.getKey());
                assertTrue(check.agrees() && check.maxAbsLogit() > 0, check.toString());
            }
            assertTrue(peers.sessions().get(TorchPeer.ONNXRUNTIME).description().contains("every graph optimisation"),
                    peers.sessions().get(TorchPeer.ONNXRUNTIME).description());
        }
    }

    @Test
    void aPeerThatCannotLoadTheModelSaysWhy() throws Exception {
        Process ready = new ProcessBuilder("bash", "-c", ". bin/jvit-peers.sh && jvit_peers_ready").directory(HOME.toFile()).inheritIO().start();
        Assumptions.assumeTrue(ready.waitFor() == 0 || System.getenv("JVIT_PEERS_PYTHON") != null,
                "the PyTorch/ONNX Runtime venv is not built (bin/jvit-peers.sh builds it from local wheels once)");
        var config = ModelCases.tinyConfig();
        try (ForwardWorkload jvit = ForwardWorkload.open(config, 1, Devices.get("java"));
             PeerForward peers = PeerForward.export(TorchPeer.find(HOME, List.of(TorchPeer.PYTORCH)), config,
                     jvit.weights().all().subList(1, jvit.weights().all().size()), jvit.images(), 1, n -> {})) {
            List<String> notes = new ArrayList<>();
            peers.awaitReady(notes::add);
            assertTrue(peers.sessions().isEmpty(), "dropped before any timing");
            assertEquals(1, notes.size(), notes.toString());
            assertTrue(notes.getFirst().startsWith("PyTorch: left out, PyTorch (bench/peers/torch_peer.py) failed: "), notes.getFirst());
            assertTrue(notes.getFirst().contains("patch_embed"), notes.getFirst());
        }
    }
}
