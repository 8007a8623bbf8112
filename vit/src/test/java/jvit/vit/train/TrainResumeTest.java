package jvit.vit.train;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jvit.vit.cli.Main;
import jvit.vit.data.FashionMnist;
import jvit.vit.data.IdxFiles;
import jvit.vit.io.Json;
import jvit.vit.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL and resumed ends with the same weights, bit for bit, as a run never
 * interrupted: checkpoints are atomic and hold everything the rest of the run depends on.
 */
class TrainResumeTest {
    @TempDir
    Path dir;

    private List<String> args(Path data, Path out) {
        return new ArrayList<>(List.of("train", "--dataset", "fashion-mnist", "--data-dir", data.toString(), "--out", out.toString(),
                "--epochs", "40", "--batch", "16", "--validation", "40", "--patch", "7", "--hidden", "16", "--layers", "2",
                "--heads", "2", "--mlp", "24", "--checkpoint-every", "3", "--seed", "5", "--warmup-epochs", "1", "--device", "java"));
    }

    private static String[] with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static void vit(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int status = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(0, status, "vit " + String.join(" ", args) + "\n" + out + err);
    }

    @Test
    void aKilledRunResumesToTheSameWeights() throws Exception {
        Path data = IdxFiles.write(dir.resolve("data"), FashionMnist.Split.TRAIN, 200, true);
        Path whole = dir.resolve("whole"), killed = dir.resolve("killed");
        vit(args(data, whole).toArray(String[]::new));

        // The same run in another JVM, killed (SIGKILL) soon after its first checkpoints.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args(data, killed));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        Path checkpoint = killed.resolve(Checkpoint.FILE);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (stepOf(checkpoint) < 6 && process.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(process.isAlive(), "the run ended before it could be killed:\n" + Files.readString(dir.resolve("killed.log")));
        process.destroyForcibly().waitFor();
        long stepAtKill = stepOf(checkpoint);
        assertTrue(stepAtKill >= 6 && stepAtKill < 40 * 10, "killed at step " + stepAtKill);

        vit(with(args(data, killed), "--resume"));
        assertArrayEquals(Files.readAllBytes(whole.resolve("model.safetensors")), Files.readAllBytes(killed.resolve("model.safetensors")),
                "weights after a resumed run (killed at step " + stepAtKill + ") differ from an uninterrupted run's");
        assertArrayEquals(Files.readAllBytes(whole.resolve(Checkpoint.FILE)), Files.readAllBytes(checkpoint),
                "the optimiser state differs");
        assertEquals(losses(whole), losses(killed), "the per-epoch losses differ");
    }

    /** The step recorded in a checkpoint, or -1 while there is none (a reader may see the old or the new file, never half of one). */
    private static long stepOf(Path checkpoint) {
        if (!Files.exists(checkpoint)) return -1;
        try (Safetensors s = Safetensors.open(checkpoint)) {
            return Long.parseLong(s.metadata().get("step"));
        } catch (RuntimeException e) {
            return -1; // replaced while being opened
        }
    }

    private static List<Object> losses(Path out) throws IOException {
        List<Object> losses = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(MetricsLog.FILE))) {
            Map<?, ?> m = (Map<?, ?>) Json.parse(line);
            losses.add(List.of(m.get("epoch"), m.get("train_loss"), m.get("train_accuracy"), m.get("validation_loss")));
        }
        return losses;
    }
}
