package jvit.runtime.opencl;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import jvit.kernels.device.DeviceKernels;
import jvit.kernels.device.KernelProgram;
import jvit.runtime.Device;
import jvit.runtime.ImmutableTaskGraph;
import jvit.runtime.Task;
import jvit.runtime.Tensor;
import jvit.runtime.UserError;
import jvit.runtime.io.AtomicFile;
import jvit.runtime.io.IoErrors;

/**
 * Kernel binary files (see {@link KernelBinaryFile}) for the programs some graphs need on an
 * OpenCL device, which {@link Device#withProgramBinaries} loads. Where the device's platform
 * compiles OpenCL C, {@link #build} compiles the programs there and keeps their binaries. Where
 * it cannot, as on many FPGA platforms, {@link #writeSources} writes each program's source for
 * the vendor's offline compiler, and {@link #pack} wraps the binaries it made.
 */
public final class KernelBinaries {
    /** The extensions {@link #pack} takes a program's binary under: Intel's FPGA image, AMD/Xilinx's, any other. */
    static final List<String> BINARY_EXTENSIONS = List.of(".aocx", ".xclbin", ".bin");
    /** The list of programs {@link #writeSources} writes: a line per program, its name and its kernels. */
    static final String PROGRAM_LIST = "programs.txt";
    private static final int COMPILER_NOT_AVAILABLE = -3, LINKER_NOT_AVAILABLE = -16;

    private KernelBinaries() {}

    /** What a file holds: how many programs, and their binaries' bytes. */
    public record Written(int programs, long binaryBytes) {}

    /**
     * Compiles, on {@code device}, every program the graphs need and writes their binaries to
     * {@code out}; {@code built} hears of each program as it is done.
     */
    public static Written build(Device device, Collection<ImmutableTaskGraph> graphs, Path out, Consumer<KernelProgram> built) {
        OpenCLDevice d = opencl(device);
        List<KernelBinaryFile.Entry> entries = new ArrayList<>();
        for (KernelProgram program : needed(d, graphs).keySet()) {
            MemorySegment p = compile(d, program);
            try {
                var entry = new KernelBinaryFile.Entry(program, KernelBinaryFile.sourceHash(program), CL.programBinary(p));
                BinaryProbe.madeHere(entry);
                entries.add(entry);
            } finally {
                CL.releaseProgram(p);
            }
            built.accept(program);
        }
        return write(new KernelBinaryFile(d.identity(), entries), out);
    }

    /**
     * Writes, for every program the graphs need on {@code device}, {@code NAME.cl} into {@code dir}:
     * its source with includes expanded and its definitions as {@code #define} lines, so an
     * offline compiler needs no options; and {@value #PROGRAM_LIST}, a line {@code NAME KERNEL...}
     * per program. Returns the sources written.
     */
    public static List<Path> writeSources(Device device, Collection<ImmutableTaskGraph> graphs, Path dir) {
        Map<KernelProgram, Set<String>> programs = needed(opencl(device), graphs);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw UserError.inFile(dir, "cannot create the folder: " + IoErrors.describe(e));
        }
        List<Path> written = new ArrayList<>();
        StringBuilder list = new StringBuilder();
        programs.forEach((program, kernels) -> {
            Path source = dir.resolve(name(program) + ".cl");
            AtomicFile.write(source, out -> out.write(offlineSource(program).getBytes(UTF_8)));
            written.add(source);
            list.append(name(program)).append(' ').append(String.join(" ", kernels)).append('\n');
        });
        AtomicFile.write(dir.resolve(PROGRAM_LIST), out -> out.write(list.toString().getBytes(UTF_8)));
        return written;
    }

    /**
     * Wraps the binaries an offline compiler made from {@link #writeSources}'s files in
     * {@code dir} ({@code NAME.aocx}, {@code NAME.xclbin} or {@code NAME.bin}) into a kernel
     * binary file for {@code device}. Each {@code NAME.cl} must still be what this jvit would
     * write: a binary of older kernels is refused here rather than at run time.
     */
    public static Written pack(Device device, Collection<ImmutableTaskGraph> graphs, Path dir, Path out, Consumer<KernelProgram> packed) {
        OpenCLDevice d = opencl(device);
        List<KernelBinaryFile.Entry> entries = new ArrayList<>();
        for (KernelProgram program : needed(d, graphs).keySet()) {
            requireCurrentSource(dir, program);
            Path binary = binaryOf(dir, program);
            try {
                entries.add(new KernelBinaryFile.Entry(program, KernelBinaryFile.sourceHash(program), Files.readAllBytes(binary)));
            } catch (IOException e) {
                throw UserError.inFile(binary, "cannot read: " + IoErrors.describe(e));
            }
            packed.accept(program);
        }
        return write(new KernelBinaryFile(d.identity(), entries), out);
    }

    /** Every program the graphs' tasks launch on the device, with the kernels used of each, in order of first use. */
    static Map<KernelProgram, Set<String>> needed(OpenCLDevice device, Collection<ImmutableTaskGraph> graphs) {
        Map<KernelProgram, Set<String>> programs = new LinkedHashMap<>();
        for (ImmutableTaskGraph graph : graphs) {
            Set<Tensor> constants = graph.constants();
            for (Task task : graph.tasks())
                for (var launch : DeviceKernels.launches(task.op(), device.limits(), task.argIndices(constants)))
                    programs.computeIfAbsent(launch.program(), p -> new LinkedHashSet<>()).add(launch.kernel());
        }
        return programs;
    }

    /** The name of a program's files: its source's name and its definitions, such as {@code attention-HEAD_DIM=64-KEYS=32}. */
    static String name(KernelProgram program) {
        String stem = program.file().replaceFirst("\\.cl$", "");
        String name = program.defines().stream().map(d -> "-" + d).collect(Collectors.joining("", stem, ""));
        return name.replaceAll("[^A-Za-z0-9_=.-]", "_");
    }

    /** The program as one file an offline compiler takes as it is: its definitions first, then its source. */
    static String offlineSource(KernelProgram program) {
        StringBuilder s = new StringBuilder("/* jvit program " + program + ", written by `vit kernels sources`: compile it as it is. */\n");
        for (String d : program.defines()) {
            int eq = d.indexOf('=');
            s.append("#define ").append(eq < 0 ? d + " 1" : d.substring(0, eq) + " " + d.substring(eq + 1)).append('\n');
        }
        return s.append(program.source()).toString();
    }

    private static void requireCurrentSource(Path dir, KernelProgram program) {
        Path source = dir.resolve(name(program) + ".cl");
        String text;
        try {
            text = Files.readString(source);
        } catch (IOException e) {
            throw UserError.inFile(source, "cannot read: " + IoErrors.describe(e) + "; program " + program
                    + " is needed: write the sources with `vit kernels sources --out " + dir + "` and compile them");
        }
        if (!text.equals(offlineSource(program)))
            throw UserError.inFile(source, "is not this jvit's source of " + program + " (the kernels changed since it was"
                    + " written, or it was edited); write the sources again with `vit kernels sources` and compile them");
    }

    private static Path binaryOf(Path dir, KernelProgram program) {
        List<Path> found = BINARY_EXTENSIONS.stream().map(ext -> dir.resolve(name(program) + ext)).filter(Files::isRegularFile).toList();
        String names = BINARY_EXTENSIONS.stream().map(ext -> name(program) + ext).collect(Collectors.joining(", "));
        if (found.isEmpty())
            throw UserError.inFile(dir, "has no binary of program " + program + " (" + names + "); compile "
                    + name(program) + ".cl with the vendor's offline compiler (aoc, v++)");
        if (found.size() > 1)
            throw UserError.inFile(dir, "has several binaries of program " + program + " (" + found.stream()
                    .map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")) + "); keep the one for this device");
        return found.getFirst();
    }

    /** The program compiled from source; a platform that cannot compile at run time says what to do instead. */
    private static MemorySegment compile(OpenCLDevice device, KernelProgram program) {
        try {
            return device.shared().programs().acquire(program);
        } catch (CLException e) {
            boolean noCompiler = e.call().equals("clCreateProgramWithSource")
                    || e.code() == COMPILER_NOT_AVAILABLE || e.code() == LINKER_NOT_AVAILABLE;
            if (!noCompiler) throw e;
            throw new UserError(device + " cannot compile OpenCL C at run time (" + e.getMessage() + "); write the sources with"
                    + " `vit kernels sources`, compile them with the vendor's offline compiler and wrap the binaries with"
                    + " `vit kernels pack`", e);
        }
    }

    private static Written write(KernelBinaryFile file, Path out) {
        file.write(out);
        return new Written(file.programs().size(), file.programs().stream().mapToLong(e -> e.binary().length).sum());
    }

    private static OpenCLDevice opencl(Device device) {
        if (device instanceof OpenCLDevice d) return d;
        throw new UserError("device " + device.id() + " is not an OpenCL device; kernel binaries are made for OpenCL devices"
                + " (--device opencl:N, see `vit devices`)");
    }
}
