package jvit.runtime.opencl;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.device.DeviceKernels;
import jvit.kernels.device.KernelProgram;
import jvit.runtime.DataTransferMode;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.TaskGraph;
import jvit.runtime.Tensor;
import jvit.runtime.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FPGA flow on PoCL: programs built into a kernel binary file, run from it, and every kind of wrong file refused. */
class KernelBinariesTest {

    @TempDir
    Path dir;

    /** A graph of one operator, its inputs copied in. */
    private static ImmutableTaskGraph graph(Arena arena, Op op) {
        long[] sizes = op.argElements();
        Tensor[] args = new Tensor[sizes.length];
        for (int i = 0; i < sizes.length; i++) args[i] = Tensor.allocate("t" + i, arena, sizes[i]);
        return new TaskGraph(op.name())
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, Arrays.copyOfRange(args, op.outputs(), args.length))
                .task(op.name(), op, args)
                .snapshot();
    }

    /** A kernel binary file for these operators, built on opencl:0. */
    private Path build(String name, Op... ops) {
        Path file = dir.resolve(name);
        try (Arena arena = Arena.ofConfined()) {
            List<ImmutableTaskGraph> graphs = Arrays.stream(ops).map(op -> graph(arena, op)).toList();
            List<KernelProgram> built = new ArrayList<>();
            var written = KernelBinaries.build(OpenCLTesting.device(), graphs, file, built::add);
            assertEquals(built.size(), written.programs());
            assertTrue(written.binaryBytes() > 0);
        }
        return file;
    }

    /** Rewrites a kernel binary file's programs. */
    private static void rewrite(Path file, UnaryOperator<KernelBinaryFile.Entry> change) {
        KernelBinaryFile f = KernelBinaryFile.read(file);
        new KernelBinaryFile(f.device(), f.programs().stream().map(change).toList()).write(file);
    }

    private static double[][] inputs(Random random, Op op) {
        long[] sizes = op.argElements();
        double[][] in = new double[sizes.length - op.outputs()][];
        for (int i = 0; i < in.length; i++) in[i] = uniform(random, (int) sizes[i + op.outputs()], 1);
        return in;
    }

    /** The message of the one-line user error {@code action} fails with. */
    private static String refusal(Runnable action) {
        String message = assertThrows(UserError.class, action::run).getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        return message;
    }

    @Test
    void programsRunFromTheirBinariesAsFromSource() {
        Op[] ops = {new Op.Add(1000), new Op.Matmul(2, 67, 33, 29, false, true, true, Activation.GELU),
                new Op.Attention(2, 37, 2, 16), new Op.LayerNorm(3, 17, 1e-6f)};
        Device fromBinaries = OpenCLTesting.device().withProgramBinaries(build("ops.jvitk", ops));
        Random random = random();
        for (Op op : ops) {
            double[][] in = inputs(random, op);
            assertArrayEquals(OpenCLTesting.run(op, in), OpenCLTesting.run(fromBinaries, op, in), op + " " + random);
        }
    }

    /** The file's binary of add.cl subtracts: a device that ran add.cl's source would add. */
    @Test
    void programsComeFromTheFileNotFromSource() {
        Path file = build("add.jvitk", new Op.Add(10));
        OpenCLDevice device = OpenCLTesting.device();
        KernelProgram add = addProgram();
        MemorySegment subtract = CL.createProgram(device.shared().context(), add.source().replace("a[i] + b[i]", "a[i] - b[i]")
                .replace("VLOAD(0, a + i) + VLOAD(0, b + i)", "VLOAD(0, a + i) - VLOAD(0, b + i)"));
        byte[] binary;
        try {
            CL.build(subtract, device.handle(), add.options(), add + " (subtracting)");
            binary = CL.programBinary(subtract);
        } finally {
            CL.releaseProgram(subtract);
        }
        rewrite(file, e -> new KernelBinaryFile.Entry(e.program(), e.sourceHash(), binary));
        double[] a = {5, 7}, b = {1, 2};
        assertArrayEquals(new double[] {4, 5}, OpenCLTesting.run(device.withProgramBinaries(file), new Op.Add(2), a, b));
    }

    @Test
    void loadingOneFileAgainMakesNoNewContextOrPrograms() {
        Path file = build("add.jvitk", new Op.Add(10));
        double[] a = {5, 7}, b = {1, 2};
        OpenCLTesting.run(OpenCLTesting.device().withProgramBinaries(file), new Op.Add(2), a, b);
        Map<CL.Kind, Long> once = CL.live();
        for (int i = 0; i < 20; i++)
            assertArrayEquals(new double[] {6, 9}, OpenCLTesting.run(OpenCLTesting.device().withProgramBinaries(file), new Op.Add(2), a, b));
        assertEquals(once, CL.live(), "OpenCL objects held after the same kernel binary file was loaded 20 times more");
    }

    @Test
    void aFileForAnotherDeviceIsRefusedBeforeTheDriverSeesIt() {
        Path file = build("add.jvitk", new Op.Add(10));
        KernelBinaryFile f = KernelBinaryFile.read(file);
        DeviceIdentity other = new DeviceIdentity("Agilex 7 FPGA", f.device().vendor(), f.device().driver(), f.device().version());
        new KernelBinaryFile(other, f.programs()).write(file);
        String message = refusal(() -> OpenCLTesting.device().withProgramBinaries(file));
        assertTrue(message.startsWith(file + ": was made for the device 'Agilex 7 FPGA'"), message);
        assertTrue(message.contains("vit kernels build --device opencl:0"), message);
    }

    @Test
    void aFileWithoutAProgramTheGraphNeedsNamesIt() {
        Device device = OpenCLTesting.device().withProgramBinaries(build("add.jvitk", new Op.Add(10)));
        String message = refusal(() -> OpenCLTesting.run(device, new Op.Softmax(2, 3), new double[6]));
        var softmax = DeviceKernels.launches(new Op.Softmax(2, 3), OpenCLTesting.device().limits()).getFirst().program();
        assertTrue(message.startsWith(dir.resolve("add.jvitk") + ": has no program " + softmax + ", which this graph needs"), message);
    }

    @Test
    void aDamagedOrTruncatedFileIsRefused() throws IOException {
        Path file = build("add.jvitk", new Op.Add(10));
        byte[] whole = Files.readAllBytes(file);
        byte[] flipped = whole.clone();
        flipped[whole.length / 2] ^= 1;
        for (byte[] bad : List.of(flipped, Arrays.copyOf(whole, whole.length - 7), Arrays.copyOf(whole, 10))) {
            Files.write(file, bad);
            assertTrue(refusal(() -> OpenCLTesting.device().withProgramBinaries(file)).contains("is truncated or damaged"));
        }
        // Made by hand, checksum and all: a string that is not UTF-8 would not be written back as it was read.
        byte[] notUtf8 = whole.clone();
        notUtf8[new String(whole, ISO_8859_1).indexOf(addProgram().file())] = (byte) 0xff;
        CRC32C crc = new CRC32C();
        crc.update(notUtf8, 0, notUtf8.length - Integer.BYTES);
        ByteBuffer.wrap(notUtf8, notUtf8.length - Integer.BYTES, Integer.BYTES).putInt((int) crc.getValue());
        Files.write(file, notUtf8);
        assertTrue(refusal(() -> OpenCLTesting.device().withProgramBinaries(file)).contains("is truncated or damaged"));
        Files.writeString(file, "<html>not binaries</html>");
        assertTrue(refusal(() -> OpenCLTesting.device().withProgramBinaries(file)).contains("is not a jvit kernel binary file"));
        assertTrue(refusal(() -> OpenCLTesting.device().withProgramBinaries(dir.resolve("missing.jvitk"))).contains("cannot read"));
    }

    @Test
    void aBinaryOfOtherKernelSourcesIsRefused() {
        Path file = build("add.jvitk", new Op.Add(10));
        rewrite(file, e -> new KernelBinaryFile.Entry(e.program(), "0".repeat(64), e.binary()));
        Device device = OpenCLTesting.device().withProgramBinaries(file);
        String message = refusal(() -> OpenCLTesting.run(device, new Op.Add(1), new double[1], new double[1]));
        assertTrue(message.contains("program " + addProgram() + " was built from another version of its source"), message);
    }

    @Test
    void aBinaryTheDriverRejectsIsRefusedWithWhatItSaid() {
        Path file = build("add.jvitk", new Op.Add(10));
        rewrite(file, e -> new KernelBinaryFile.Entry(e.program(), e.sourceHash(), "not a program binary".getBytes()));
        Device device = OpenCLTesting.device().withProgramBinaries(file);
        String message = refusal(() -> OpenCLTesting.run(device, new Op.Add(1), new double[1], new double[1]));
        assertTrue(message.startsWith(file + ": the driver rejected the binary of " + addProgram() + ": "), message);
        assertTrue(message.contains("CL_INVALID_BINARY"), message);
    }

    /** PoCL builds any binary it created; build options it does not know make its clBuildProgram fail, with a log. */
    @Test
    void aBinaryTheDriverCannotBuildIsRefusedWithItsLog() {
        Path file = build("add.jvitk", new Op.Add(10));
        var strange = new KernelProgram(addProgram().file(), List.of("X=1 -cl-no-such-option"));
        rewrite(file, e -> new KernelBinaryFile.Entry(strange, e.sourceHash(), e.binary()));
        OpenCLDevice device = OpenCLTesting.device();
        var loader = new BinaryLoader(file, KernelBinaryFile.read(file), device.shared().context(), device.handle());
        String message = refusal(() -> loader.build(strange));
        assertTrue(message.startsWith(file + ": the driver rejected the binary of " + strange + ": clBuildProgram: "
                + "CL_INVALID_BUILD_OPTIONS (-43), log: "), message);
        assertTrue(message.contains("-cl-no-such-option;"), message);
    }

    @Test
    void theJavaDeviceTakesNoBinaries() {
        assertTrue(refusal(() -> Devices.get("java").withProgramBinaries(dir.resolve("x.jvitk"))).contains("runs no compiled kernel programs"));
        try (Arena arena = Arena.ofConfined()) {
            var graphs = List.of(graph(arena, new Op.Add(1)));
            assertTrue(refusal(() -> KernelBinaries.build(Devices.get("java"), graphs, dir.resolve("x"), p -> {}))
                    .contains("is not an OpenCL device"));
        }
    }

    /** The offline flow: sources out, compiled elsewhere (here by PoCL, with no options), binaries packed and run. */
    @Test
    void sourcesCompiledOfflineArePackedAndRun() throws IOException {
        OpenCLDevice device = OpenCLTesting.device();
        Op[] ops = {new Op.Add(100), new Op.Attention(1, 9, 1, 8)};
        Path sources = dir.resolve("sources"), file = dir.resolve("packed.jvitk");
        try (Arena arena = Arena.ofConfined()) {
            List<ImmutableTaskGraph> graphs = Arrays.stream(ops).map(op -> graph(arena, op)).toList();
            List<Path> written = KernelBinaries.writeSources(device, graphs, sources);
            // Which variant of attention a device gets depends on its kind (attention_cpu on PoCL).
            String attention = KernelBinaries.name(DeviceKernels.launches(ops[1], device.limits()).getFirst().program());
            String add = KernelBinaries.name(addProgram());
            assertEquals(List.of(add + " add", attention + " attention"), Files.readAllLines(sources.resolve("programs.txt")));
            assertEquals(List.of(sources.resolve(add + ".cl"), sources.resolve(attention + ".cl")), written);
            for (Path source : written) {
                MemorySegment p = CL.createProgram(device.shared().context(), Files.readString(source));
                try {
                    CL.build(p, device.handle(), "", source.toString());
                    Files.write(Path.of(source.toString().replaceFirst("\\.cl$", ".bin")), CL.programBinary(p));
                } finally {
                    CL.releaseProgram(p);
                }
            }
            KernelBinaries.pack(device, graphs, sources, file, p -> {});

            Random random = random();
            Device fromBinaries = device.withProgramBinaries(file);
            for (Op op : ops) {
                double[][] in = inputs(random, op);
                assertArrayEquals(OpenCLTesting.run(op, in), OpenCLTesting.run(fromBinaries, op, in), op + " " + random);
            }

            Files.writeString(sources.resolve(add + ".cl"), "/* edited */", StandardOpenOption.APPEND);
            assertTrue(refusal(() -> KernelBinaries.pack(device, graphs, sources, file, p -> {}))
                    .contains("is not this jvit's source of " + addProgram().file()));
            Files.delete(sources.resolve(add + ".cl"));
            Files.delete(sources.resolve(add + ".bin"));
            KernelBinaries.writeSources(device, graphs, sources);
            assertTrue(refusal(() -> KernelBinaries.pack(device, graphs, sources, file, p -> {}))
                    .contains("has no binary of program " + addProgram() + " (" + add + ".aocx, " + add + ".xclbin, " + add + ".bin)"));
        }
    }

    /** The program that adds on the test device: add_cpu.cl with its vector width on a CPU, add.cl elsewhere. */
    private static KernelProgram addProgram() {
        return DeviceKernels.launches(new Op.Add(10), OpenCLTesting.device().limits()).getFirst().program();
    }
}
