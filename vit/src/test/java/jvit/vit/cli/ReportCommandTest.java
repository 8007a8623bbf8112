package jvit.vit.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jvit.vit.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vit bench report} end to end at tiny sizes, and its one-line refusals. */
class ReportCommandTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void home() {
        CliTest.home();
    }

    @Test
    void aTinyReportWritesItsJsonMarkdownAndCharts() {
        CliTest.Result r = CliTest.vit("bench", "report", "--tiny", "--devices", "java", "--peers", "numpy", "--out", dir.toString());
        assertEquals(0, r.status(), r.err());
        String name = Files.exists(dir) ? dir.toFile().list((d, f) -> f.endsWith("-tiny.json"))[0].replace(".json", "") : null;
        assertNotNull(name);
        for (String file : List.of(".md", "-models.png", "-kernels.png")) assertTrue(Files.exists(dir.resolve(name + file)), name + file);
        assertTrue(r.out().contains("wrote " + dir.resolve(name + ".md")), r.out());

        var json = (Map<?, ?>) Json.read(dir.resolve(name + ".json"));
        var results = (List<?>) json.get("results");
        assertTrue(results.stream().map(o -> (Map<?, ?>) o).anyMatch(o -> o.get("name").equals("attention_backward") && o.get("device").equals("java")));
        assertTrue(results.stream().map(o -> (Map<?, ?>) o).anyMatch(o -> o.get("kind").equals("train step")));
        var peak = (Map<?, ?>) ((Map<?, ?>) ((List<?>) json.get("devices")).getFirst()).get("peak");
        assertTrue(((Number) peak.get("gflops")).doubleValue() > 0 && ((Number) peak.get("bandwidth_gbps")).doubleValue() > 0, peak.toString());
        if (((Map<?, ?>) json.get("peers")).containsKey("numpy")) {
            // NumPy ran the tiny ViT on the same weights: its logits are jvit's
            var check = (Map<?, ?>) ((List<?>) json.get("logit_checks")).getFirst();
            assertEquals(Boolean.TRUE, check.get("agrees"), check.toString());
        }
    }

    @Test
    void anUnknownPeerIsAUsageError() {
        CliTest.vit("bench", "report", "--tiny", "--devices", "java", "--peers", "tensorflow", "--out", dir.toString())
                .failsWith("--peers", "tensorflow");
    }

    @Test
    void anUnknownDeviceIsRefusedBeforeAnythingRuns() {
        CliTest.vit("bench", "report", "--tiny", "--devices", "java,cuda:7", "--out", dir.toString()).failsWith("cuda:7");
        assertEquals(0, dir.toFile().list().length);
    }

    @Test
    void aDeviceNamedTwiceIsAUsageError() {
        CliTest.vit("bench", "report", "--tiny", "--devices", "java,java", "--out", dir.toString()).failsWith("--devices names java twice");
    }

    @Test
    void anUnknownKernelCaseIsRefusedBeforeAnythingRuns() {
        CliTest.vit("bench", "report", "--kernels", "matmul_square_1024,matmul_cube", "--devices", "java", "--out", dir.toString())
                .failsWith("matmul_cube", "matmul_square_1024");
        assertEquals(0, dir.toFile().list().length);
    }

    @Test
    void twoChoicesOfWhatRunsAreAUsageError() {
        CliTest.vit("bench", "report", "--quick", "--kernels", "gelu", "--devices", "java", "--out", dir.toString())
                .failsWith("--quick", "--kernels", "give one");
    }

    @Test
    void aModelCaseWithoutABatchIsAUsageError() {
        CliTest.vit("bench", "report", "--models", "ViT-S/16", "--devices", "java", "--out", dir.toString())
                .failsWith("--models", "ViT-S/16");
    }

    @Test
    void anOutputThatIsAFileIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        CliTest.vit("bench", "report", "--tiny", "--devices", "java", "--out", file.toString()).failsWith("taken", "is not a directory");
    }

    @Test
    void anOutputThatCannotBeMadeIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        CliTest.vit("bench", "report", "--tiny", "--devices", "java", "--out", file.resolve("sub").toString()).failsWith("sub", "--out");
    }
}
