package jvit.vit.report;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import jvit.vit.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Markdown, JSON and charts of a report made by hand: floors, peer ratios, the unstable flag, raw runs. */
class ReportWritersTest {
    static final long MS = 1_000_000;

    @TempDir
    Path dir;

    /** Two devices and NumPy; a matmul of 1 GFLOP and a model whose java rounds are 20% apart. */
    static Report report() {
        var cpu = Map.of("type", "CPU");
        var devices = List.of(new Report.DeviceEntry("java", "CPU (Java Vector API)", cpu, new DevicePeak(400, 500, "2 cores × ...", 50)),
                new Report.DeviceEntry("opencl:0", "PoCL", cpu, new DevicePeak(450, 500, "2 cores × ...", 40)));
        long gflop = 1_000_000_000L, mib = 1L << 20;
        var results = List.of(
                new Result(Result.KERNEL, "matmul_fc1", "1576×3072×768 A·Bᵀ", 1, "java", gflop, 24 * mib, 96 * mib, rounds(4 * MS, 4 * MS)),
                new Result(Result.KERNEL, "matmul_fc1", "1576×3072×768 A·Bᵀ", 1, "opencl:0", gflop, 24 * mib, 96 * mib, rounds(5 * MS, 5 * MS)),
                new Result(Result.KERNEL, "matmul_fc1", "1576×3072×768 A·Bᵀ", 1, NumpyPeer.ID, gflop, 24 * mib, 0, rounds(8 * MS, 8 * MS)),
                new Result("forward", "ViT-S/16", "", 8, "java", 37 * gflop, 0, 116 * mib, rounds(100 * MS, 120 * MS)),
                new Result("forward", "ViT-S/16", "", 8, NumpyPeer.ID, 37 * gflop, 0, 0, rounds(400 * MS, 400 * MS)),
                new Result("forward", "ViT-S/16", "", 8, TorchPeer.PYTORCH, 37 * gflop, 0, 0, rounds(220 * MS, 220 * MS)),
                new Result("forward", "ViT-S/16", "", 8, TorchPeer.ONNXRUNTIME, 37 * gflop, 0, 0, rounds(88 * MS, 88 * MS)));
        return new Report("2026-01-02-host-quick", "2026-01-02", "vit bench report --quick", ReportSettings.quick(),
                Map.of("host", "host"), devices, Map.of(NumpyPeer.ID, "NumPy 2.0, BLAS openblas", TorchPeer.ONNXRUNTIME, "ONNX Runtime 1.30"),
                results, List.of(new LogitCheck("ViT-S/16", 8, "java", NumpyPeer.ID, 2e-6, 1.3),
                        new LogitCheck("ViT-S/16", 8, "java", TorchPeer.ONNXRUNTIME, 0.5, 1.3)), List.of("attention_backward on opencl:0: skipped, no kernel"));
    }

    /** Two rounds of three runs around each median. */
    static Measurement rounds(long first, long second) {
        return new Measurement(List.of(new long[] {first - 1, first, first + 1}, new long[] {second - 1, second, second + 1}));
    }

    @Test
    void theMarkdownGivesFloorsRatiosToThePeersAndFlagsUnstableFigures() {
        String md = ReportMarkdown.render(report(), "m.png", "k.png");
        assertTrue(md.contains("| `java` | **500 GFLOP/s** | 500 GFLOP/s: 2 cores × ... | 400 GFLOP/s (80% of peak) | 50.0 GB/s |"), md);
        // 1 GFLOP at 500 GFLOP/s = 2 ms, measured 4 ms: 50% of floor; NumPy 8 ms: 2× faster
        assertTrue(md.contains("| matmul_fc1 | 1576×3072×768 A·Bᵀ | `java` | **4.00 ms** | 4.00 ms | 0% | 250 | 6.29 | 2.00 ms (compute) | 50% | **2.00×** |"), md);
        assertTrue(md.contains("| matmul_fc1 | 1576×3072×768 A·Bᵀ | `opencl:0` | **5.00 ms** |"), md);
        // ViT-S/16: rounds 100 and 120 ms, 20% apart: unstable; median 110 ms → 72.7 images/s;
        // 0.80× ONNX Runtime's 88 ms, 2.00× PyTorch's 220 ms, 3.64× NumPy's 400 ms, in that order
        assertTrue(md.contains("| % of peak | floor | tensors | × ONNX Runtime | × PyTorch | × NumPy |"), md);
        // 37 GFLOP per batch of 8 at 500 GFLOP/s: 108 images/s
        assertTrue(md.contains("| 336 | 67% | 108 images/s | 116 MiB |"), md);
        assertTrue(md.contains("| ViT-S/16 | forward | 8 | `java` | **72.7** | 18% ⚠ |"), md);
        assertTrue(md.contains("| 116 MiB | **0.80×** | **2.00×** | **3.64×** |"), md);
        assertTrue(md.contains("| ViT-S/16 | forward | 8 | ONNX Runtime | **90.9** |"), md);
        assertTrue(md.contains("- ViT-S/16, batch 8, `java` vs NumPy: 2.0e-06 of 1.30 — agree"), md);
        assertTrue(md.contains("- ViT-S/16, batch 8, `java` vs ONNX Runtime: 0.50 of 1.30 — **DISAGREE**"), md);
        assertTrue(md.contains("- ONNX Runtime peer: ONNX Runtime 1.30;"), md);
        assertTrue(md.contains("- attention_backward on opencl:0: skipped, no kernel"), md);
        assertTrue(md.contains("![images/s per model](m.png)") && md.contains("![% of floor per kernel](k.png)"), md);
        assertTrue(md.indexOf("## Floors") < md.indexOf("## Models"), "floors first");
    }

    @Test
    void theJsonHoldsEveryRunAndTheFiguresDerivedFromThem() throws Exception {
        Path file = dir.resolve("r.json");
        ReportJson.write(report(), file);
        var json = (Map<?, ?>) Json.read(file);
        var results = (List<?>) json.get("results");
        var java = (Map<?, ?>) results.get(0);
        assertEquals(List.of(List.of(3_999_999L, 4_000_000L, 4_000_001L), List.of(3_999_999L, 4_000_000L, 4_000_001L)), java.get("runs_ns"));
        assertEquals(4.0, ((Number) java.get("p50_ms")).doubleValue(), 1e-9);
        assertEquals(50.0, ((Number) java.get("percent_of_floor")).doubleValue(), 1e-9);
        assertEquals(2.0, ((Number) java.get("speedup_over_numpy")).doubleValue(), 1e-9);
        var model = (Map<?, ?>) results.get(3);
        assertEquals(Boolean.TRUE, model.get("unstable"));
        assertEquals(72.73, ((Number) model.get("images_per_s")).doubleValue(), 1e-9);
        assertNull(((Map<?, ?>) results.get(2)).get("speedup_over_numpy"), "NumPy has no ratio to itself");
        var device = (Map<?, ?>) ((List<?>) json.get("devices")).get(0);
        assertEquals(500.0, ((Number) ((Map<?, ?>) device.get("peak")).get("gflops")).doubleValue());
        assertEquals("CPU", ((Map<?, ?>) device.get("properties")).get("type"));
        assertEquals("NumPy 2.0, BLAS openblas", ((Map<?, ?>) json.get("peers")).get("numpy"));
        assertEquals(0.8, ((Number) ((Map<?, ?>) results.get(3)).get("speedup_over_onnxruntime")).doubleValue(), 1e-9);
        assertEquals(0.1, ((Number) ((Map<?, ?>) json.get("settings")).get("unstable_spread")).doubleValue());
    }

    @Test
    void theChartsArePngsOfTheirSize() throws Exception {
        Path models = dir.resolve("m.png"), kernels = dir.resolve("k.png");
        assertTrue(ReportCharts.writeModels(report(), models));
        assertTrue(ReportCharts.writeKernels(report(), kernels));
        BufferedImage image = ImageIO.read(models.toFile());
        assertEquals(900, image.getWidth());
        assertNotNull(ImageIO.read(kernels.toFile()));
        assertTrue(Files.size(kernels) > 1000);
    }
}
