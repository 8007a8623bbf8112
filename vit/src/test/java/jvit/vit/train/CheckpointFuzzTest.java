package jvit.vit.train;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import jvit.runtime.UserError;
import jvit.vit.ViTConfig;
import jvit.vit.image.Preprocessing;
import jvit.vit.io.FuzzFiles;
import jvit.vit.model.ViTWeights;

/**
 * The training checkpoint under the fuzzer: a real checkpoint of a tiny model, its bytes overwritten
 * at places and to lengths the fuzzer picks, then cut short or not. Resuming from it must give the
 * position it was written with (when its contents are intact) or a {@link UserError}, never another exception.
 */
class CheckpointFuzzTest {
    private static final ViTConfig CONFIG = ViTConfig.builder().imageSize(28).patchSize(14).channels(1).hidden(4).layers(1)
            .heads(1).mlpDim(4).layerNormEps(1e-6).qkvBias(true).labels(ViTConfig.defaultLabels(2))
            .preprocessing(new Preprocessing(28, 1.0, Preprocessing.Interpolation.BILINEAR, new float[] {0.5f}, new float[] {0.5f}))
            .build();
    private static final Checkpoint.Position AT = new Checkpoint.Position(7, 1, 3, 2.5, 4, 5);
    private static byte[] intact;

    private static synchronized byte[] intact() throws IOException {
        if (intact != null) return intact;
        Path dir = Files.createTempDirectory("jvit-fuzz");
        try (Arena arena = Arena.ofConfined()) {
            ViTWeights weights = ViTWeights.allocate(CONFIG, arena);
            Initialization.apply(weights, 3);
            Checkpoint.write(dir, new Optimizer(weights, arena), AT, "{}");
            intact = Files.readAllBytes(dir.resolve(Checkpoint.FILE));
        } finally {
            Files.deleteIfExists(dir.resolve(Checkpoint.FILE));
            Files.deleteIfExists(dir);
        }
        return intact;
    }

    @FuzzTest(maxDuration = "10s")
    void resume(FuzzedDataProvider data) throws IOException {
        byte[] bytes = FuzzFiles.edited(intact(), data);
        Path dir = Files.createTempDirectory("jvit-fuzz");
        try (Arena arena = Arena.ofConfined()) {
            Files.write(dir.resolve(Checkpoint.FILE), bytes);
            Checkpoint.Position read = Checkpoint.read(dir, new Optimizer(ViTWeights.allocate(CONFIG, arena), arena), "{}");
            // Accepted only when every tensor and record is intact (the CRC-32C covers them; JSON spacing it need not).
            if (!read.equals(AT)) throw new AssertionError("a damaged checkpoint was resumed from: " + read);
        } catch (UserError expected) {
            // A clean refusal.
        } finally {
            Files.deleteIfExists(dir.resolve(Checkpoint.FILE));
            Files.deleteIfExists(dir);
        }
    }
}
