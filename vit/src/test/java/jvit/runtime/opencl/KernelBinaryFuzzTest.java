package jvit.runtime.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import jvit.kernels.Op;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Executable;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import jvit.runtime.UserError;
import jvit.vit.io.FuzzFiles;

/**
 * The kernel binary file under the fuzzer, beside vit's fuzz tests (see FuzzFiles) so that its seeds
 * replay in their JVM, in the package of the reader it tests: a
 * real file, built on opencl:0 for a one-operator graph, its bytes overwritten at places and to
 * lengths the fuzzer picks, cut short or not, and its checksum made to match again or not (a
 * file made by hand passes the checksum: what is behind it must hold too). The property: a
 * one-line {@link UserError}, or a file read exactly as written (written again, the same bytes) that
 * opencl:0 runs or refuses in one line; never another exception, and never a driver that takes
 * this JVM down (PoCL aborts on some binaries: {@link BinaryProbe} builds them in a child JVM
 * first). A file whose checksum was not made again is accepted only intact. The parser runs in
 * this JVM on every input; only a file it accepts costs a child JVM (a second or more).
 */
class KernelBinaryFuzzTest {
    private static final Arena ARENA = Arena.ofShared();
    private static ImmutableTaskGraph graph;
    private static byte[] intact;
    /** One folder for every run: opencl:0 keeps a device per kernel binary file (path and contents) it loaded. */
    private static Path dir;
    /** Checks every file that parses in a child, remembering verdicts only for this run; a hang is refused in a minute. */
    private static BinaryProbe probe;

    private static synchronized byte[] intact() throws IOException {
        if (intact != null) return intact;
        Tensor x = Tensor.allocate("x", ARENA, 7), y = Tensor.allocate("y", ARENA, 7);
        graph = new TaskGraph("gelu").transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                .task("gelu", new Op.Gelu(7), y, x).transferToHost(DataTransferMode.EVERY_EXECUTION, y).snapshot();
        dir = Files.createTempDirectory("jvit-fuzz");
        dir.toFile().deleteOnExit();
        probe = new BinaryProbe(dir.resolve("verdicts"), Duration.ofMinutes(1), BinaryProbe.class);
        Path file = dir.resolve("kernels.bin");
        try {
            KernelBinaries.build(OpenCLTesting.device(), List.of(graph), file, built -> {});
            intact = Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
        }
        return intact;
    }

    @FuzzTest(maxDuration = "10s")
    void kernelBinaryFile(FuzzedDataProvider data) throws IOException {
        byte[] bytes = FuzzFiles.edited(intact(), data);
        boolean sealed = data.consumeBoolean() && bytes.length >= Integer.BYTES;
        if (sealed) {
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, bytes.length - Integer.BYTES);
            ByteBuffer.wrap(bytes, bytes.length - Integer.BYTES, Integer.BYTES).putInt((int) crc.getValue());
        }
        Path file = dir.resolve("kernels.bin"), again = dir.resolve("again.bin");
        try {
            Files.write(file, bytes);
            KernelBinaryFile read = KernelBinaryFile.read(file);
            if (!sealed && !Arrays.equals(bytes, intact)) throw new AssertionError("a damaged kernel binary file was accepted");
            read.write(again);
            assertArrayEquals(bytes, Files.readAllBytes(again), "the file was not read as it was written");
            try (Executable loaded = OpenCLTesting.device().withProgramBinaries(file, probe).load(graph)) {
                loaded.execute(false);
            }
        } catch (UserError expected) {
            assertFalse(expected.getMessage().contains("\n"), "a refusal in more than one line: " + expected.getMessage());
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(again);
        }
    }
}
