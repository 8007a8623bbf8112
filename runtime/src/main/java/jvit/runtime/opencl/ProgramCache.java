package jvit.runtime.opencl;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import jvit.kernels.device.KernelProgram;

/**
 * The programs built on one device, each built once per JVM: compiling is slow (seconds per
 * program on PoCL), and so is loading an FPGA image; loading a graph should not pay it again. The
 * cache keeps one reference to each program for the life of the device; callers get their own
 * reference and release it.
 */
final class ProgramCache {
    private final ProgramBuilder builder;
    private final Map<KernelProgram, MemorySegment> built = new HashMap<>();

    ProgramCache(ProgramBuilder builder) {
        this.builder = builder;
    }

    /** The built program, retained for the caller, who releases it with {@link CL#releaseProgram}. */
    synchronized MemorySegment acquire(KernelProgram program) {
        MemorySegment p = built.get(program);
        if (p == null) {
            p = builder.build(program);
            built.put(program, p);
        }
        CL.retainProgram(p);
        return p;
    }
}
