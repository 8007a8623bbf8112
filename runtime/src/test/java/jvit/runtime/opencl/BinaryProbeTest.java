package jvit.runtime.opencl;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import jvit.kernels.Op;
import jvit.kernels.device.DeviceKernels;
import jvit.kernels.device.KernelProgram;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import jvit.runtime.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernel binary files from elsewhere are built in a child JVM first: a child the driver kills gets
 * the file refused in one line while this JVM goes on, a file that passed is remembered, and files
 * of programs this process compiled are not checked.
 */
class BinaryProbeTest {
    private static final Duration LIMIT = Duration.ofMinutes(2);
    private static final Op SOFTMAX = new Op.Softmax(2, 3), ADD = new Op.Add(3);

    @TempDir
    Path dir;

    /** A child the driver kills as PoCL does on some crafted binaries: SIGABRT. */
    static final class Aborts {
        public static void main(String[] args) throws Throwable {
            Linker linker = Linker.nativeLinker();
            linker.downcallHandle(linker.defaultLookup().findOrThrow("abort"), FunctionDescriptor.ofVoid()).invokeExact();
        }
    }

    /** A child the driver never lets go of. */
    static final class Hangs {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(Duration.ofHours(1));
        }
    }

    /**
     * A file of softmax's program for opencl:0, built from source by the driver but not by
     * {@link KernelBinaries#build} (no test in this JVM builds softmax that way), so it is checked.
     */
    private Path madeElsewhere(String name) {
        OpenCLDevice device = OpenCLTesting.device();
        KernelProgram program = DeviceKernels.launches(SOFTMAX, device.limits()).getFirst().program();
        MemorySegment p = CL.createProgram(device.shared().context(), program.source());
        byte[] binary;
        try {
            CL.build(p, device.handle(), program.options(), program.file());
            binary = CL.programBinary(p);
        } finally {
            CL.releaseProgram(p);
        }
        Path file = dir.resolve(name);
        var entry = new KernelBinaryFile.Entry(program, KernelBinaryFile.sourceHash(program), binary);
        new KernelBinaryFile(device.identity(), List.of(entry)).write(file);
        return file;
    }

    /** A kernel binary file of {@link #ADD}'s program, by {@link KernelBinaries#build}. */
    private static void buildAdd(Path file) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor sum = Tensor.allocate("sum", arena, 3), a = Tensor.allocate("a", arena, 3), b = Tensor.allocate("b", arena, 3);
            var graph = new TaskGraph("add").transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b).task("add", ADD, sum, a, b).snapshot();
            KernelBinaries.build(OpenCLTesting.device(), List.of(graph), file, p -> {});
        }
    }

    private BinaryProbe probe(Class<?> child, Duration limit) {
        return new BinaryProbe(dir.resolve("verdicts"), limit, child);
    }

    private static String refusal(Runnable action) {
        String message = assertThrows(UserError.class, action::run).getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        return message;
    }

    /** Softmax of two rows of 3, or the sum of two vectors of 3. */
    private static void assertRunsAsFromSource(Device device, Op op) {
        double[][] in = op instanceof Op.Softmax ? new double[][] {{0.5, -1, 2, 3, 0, -4}} : new double[][] {{0.5, -1, 2}, {3, 0, -4}};
        assertArrayEquals(OpenCLTesting.run(op, in), OpenCLTesting.run(device, op, in), op.toString());
    }

    private long verdicts() throws IOException {
        if (!Files.isDirectory(dir.resolve("verdicts"))) return 0;
        try (var files = Files.list(dir.resolve("verdicts"))) {
            return files.count();
        }
    }

    @Test
    void aFileWhoseBuildKillsTheChildIsRefusedInOneLineAndThisJvmGoesOn() throws IOException {
        Path file = madeElsewhere("aborts.jvitk");
        String message = refusal(() -> OpenCLTesting.device().withProgramBinaries(file, probe(Aborts.class, LIMIT)));
        assertTrue(message.startsWith(file + ": is not a valid kernel binary file for opencl:0 "), message);
        assertTrue(message.contains("killed a child process (signal 6"), message);
        assertTrue(message.endsWith("make it again on this device with `vit kernels build`"), message);
        assertEquals(0, verdicts(), "a refused file was remembered as good");
        assertRunsAsFromSource(OpenCLTesting.device(), SOFTMAX);
    }

    /**
     * A real crafted file: PoCL's binary of a program with its LLVM bitcode's magic number zeroed,
     * the file's checksum made to match. PoCL 3.1 aborts building it (an assertion in
     * pocl_llvm_read_program_llvm_irs), which took the whole JVM down before the child did it.
     */
    @Test
    void aBinaryThatMakesTheDriverAbortIsRefusedInOneLine() {
        Path file = dir.resolve("crafted.jvitk");
        buildAdd(file);
        KernelBinaryFile f = KernelBinaryFile.read(file);
        List<KernelBinaryFile.Entry> crafted = f.programs().stream().map(e -> new KernelBinaryFile.Entry(e.program(), e.sourceHash(),
                withoutBitcodeMagic(e.binary()))).toList();
        new KernelBinaryFile(f.device(), crafted).write(file);
        String message = refusal(() -> OpenCLTesting.run(OpenCLTesting.device().withProgramBinaries(file, probe(BinaryProbe.class, LIMIT)),
                ADD, new double[3], new double[3]));
        // Refused by the child's death on PoCL 3.1; a driver that rejects the binary cleanly is refused in one line too.
        assertTrue(message.startsWith(file + ": is not a valid kernel binary file for opencl:0 ")
                || message.startsWith(file + ": the driver rejected the binary"), message);
        assertRunsAsFromSource(OpenCLTesting.device(), ADD);
    }

    private static byte[] withoutBitcodeMagic(byte[] binary) {
        byte[] b = binary.clone();
        byte[] magic = {'B', 'C', (byte) 0xC0, (byte) 0xDE};
        int found = 0;
        for (int i = 0; i + magic.length <= b.length; i++)
            if (Arrays.equals(b, i, i + magic.length, magic, 0, magic.length)) {
                Arrays.fill(b, i, i + magic.length, (byte) 0);
                found++;
            }
        assumeTrue(found > 0, "the driver's binaries hold no LLVM bitcode");
        return b;
    }

    @Test
    void aChildThatHangsIsRefusedAtTheLimit() {
        Path file = madeElsewhere("hangs.jvitk");
        String message = refusal(() -> OpenCLTesting.device().withProgramBinaries(file, probe(Hangs.class, Duration.ofSeconds(3))));
        assertTrue(message.contains("building its programs in a child process did not finish in 3 s"), message);
    }

    /** The same contents again, from another path: a child would abort now, but the verdict kept from the first load is used. */
    @Test
    void aFileThatBuildsInTheChildRunsAndItsVerdictIsKept() throws IOException {
        Path file = madeElsewhere("good.jvitk");
        assertRunsAsFromSource(OpenCLTesting.device().withProgramBinaries(file, probe(BinaryProbe.class, LIMIT)), SOFTMAX);
        assertEquals(1, verdicts());
        Path copy = Files.copy(file, dir.resolve("copy.jvitk"));
        assertRunsAsFromSource(OpenCLTesting.device().withProgramBinaries(copy, probe(Aborts.class, LIMIT)), SOFTMAX);
    }

    @Test
    void programsCompiledInThisProcessAreNotChecked() throws IOException {
        Path file = dir.resolve("built.jvitk");
        buildAdd(file);
        assertRunsAsFromSource(OpenCLTesting.device().withProgramBinaries(file, probe(Aborts.class, LIMIT)), ADD);
        assertEquals(0, verdicts());
    }
}
