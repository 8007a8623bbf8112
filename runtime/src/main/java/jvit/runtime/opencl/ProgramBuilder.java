package jvit.runtime.opencl;

import java.lang.foreign.MemorySegment;
import jvit.kernels.device.KernelProgram;

/** How a program comes to exist on a device: compiled from its source, or loaded from a binary made earlier. */
interface ProgramBuilder {
    /** A new program, built and ready for kernels; the caller owns its one reference. */
    MemorySegment build(KernelProgram program);
}
