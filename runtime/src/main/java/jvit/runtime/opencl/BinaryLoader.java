package jvit.runtime.opencl;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import jvit.kernels.device.KernelProgram;
import jvit.runtime.UserError;

/**
 * Programs from a kernel binary file, never from source: {@code clCreateProgramWithBinary}, then
 * {@code clBuildProgram}, which the specification requires of a binary too (on an FPGA it is
 * where the image is loaded). A program the file lacks, or one built from another version of its
 * source, is refused before the driver sees it; a binary the driver rejects is refused with its
 * log.
 */
final class BinaryLoader implements ProgramBuilder {
    private static final int INVALID_VALUE = -30, INVALID_BINARY = -42;
    /** Enough of a build log to say what went wrong, in a one-line message. */
    private static final int LOG_CHARS = 300;

    private final Path path;
    private final KernelBinaryFile file;
    private final MemorySegment context;
    private final MemorySegment device;

    BinaryLoader(Path path, KernelBinaryFile file, MemorySegment context, MemorySegment device) {
        this.path = path;
        this.file = file;
        this.context = context;
        this.device = device;
    }

    @Override
    public MemorySegment build(KernelProgram program) {
        KernelBinaryFile.Entry entry = file.find(program).orElseThrow(() -> UserError.inFile(path, "has no program " + program
                + ", which this graph needs; make the file for this model and --batch with `vit kernels build`"));
        if (!entry.sourceHash().equals(KernelBinaryFile.sourceHash(program)))
            throw UserError.inFile(path, "program " + program + " was built from another version of its source (the kernels"
                    + " changed since the file was made); make it again with `vit kernels build`");
        MemorySegment p;
        try {
            p = CL.createProgram(context, device, entry.binary());
        } catch (CLException e) {
            if (e.code() != INVALID_BINARY && e.code() != INVALID_VALUE) throw e;
            throw rejected(program, e.getMessage(), e);
        }
        try {
            CL.build(p, device, program.options(), program.file());
            return p;
        } catch (CLBuildException e) {
            CL.releaseProgram(p);
            throw rejected(program, "clBuildProgram: " + CLException.codeName(e.code()) + " (" + e.code() + "), log: " + oneLine(e.log()), e);
        }
    }

    private UserError rejected(KernelProgram program, String why, Exception cause) {
        return new UserError(path + ": the driver rejected the binary of " + program + ": " + why
                + "; make the file again on this device with `vit kernels build`", cause);
    }

    private static String oneLine(String log) {
        String line = log.strip().replaceAll("\\s+", " ");
        if (line.isEmpty()) return "(empty)";
        return line.length() <= LOG_CHARS ? line : line.substring(0, LOG_CHARS) + "...";
    }
}
