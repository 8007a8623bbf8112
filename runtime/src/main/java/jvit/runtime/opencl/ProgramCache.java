package jvit.runtime.opencl;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import jvit.kernels.device.KernelProgram;

/**
 * The programs built on one device, each built once per JVM: compiling is slow (seconds per
 * program on PoCL), loading a graph should not pay it again. The cache keeps one reference to each
 * program for the life of the device; callers get their own reference and release it.
 */
final class ProgramCache {
    private final MemorySegment context;
    private final MemorySegment device;
    private final Map<KernelProgram, MemorySegment> built = new HashMap<>();

    ProgramCache(MemorySegment context, MemorySegment device) {
        this.context = context;
        this.device = device;
    }

    /** The built program, retained for the caller, who releases it with {@link CL#releaseProgram}. */
    synchronized MemorySegment acquire(KernelProgram program) {
        MemorySegment p = built.get(program);
        if (p == null) {
            p = build(program);
            built.put(program, p);
        }
        CL.retainProgram(p);
        return p;
    }

    private MemorySegment build(KernelProgram program) {
        MemorySegment p = CL.createProgram(context, program.source());
        try {
            CL.build(p, device, program.options(), program.file());
            return p;
        } catch (RuntimeException e) {
            CL.releaseProgram(p);
            throw e;
        }
    }
}
