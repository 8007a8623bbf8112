package jvit.runtime.opencl;

import java.lang.foreign.MemorySegment;
import jvit.kernels.device.KernelProgram;

/** Builds programs from their OpenCL C source, with their definitions as compiler options. */
final class SourceCompiler implements ProgramBuilder {
    private final MemorySegment context;
    private final MemorySegment device;

    SourceCompiler(MemorySegment context, MemorySegment device) {
        this.context = context;
        this.device = device;
    }

    @Override
    public MemorySegment build(KernelProgram program) {
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
