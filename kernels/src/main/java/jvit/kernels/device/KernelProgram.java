package jvit.kernels.device;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A device program: one kernel source file (a resource next to {@code portable.h}) built with
 * some preprocessor definitions, such as {@code HEAD_DIM=64}. Programs that are equal can share
 * one build on a device.
 */
public record KernelProgram(String file, List<String> defines) {
    public KernelProgram {
        defines = List.copyOf(defines);
    }

    /** The source text, includes expanded, as both the OpenCL and the CUDA compilers take it. */
    public String source() {
        return KernelSources.read(file);
    }

    /** The definitions as compiler options, {@code -DNAME=value ...}; both compilers read this form. */
    public String options() {
        return defines.stream().map(d -> "-D" + d).collect(Collectors.joining(" "));
    }

    /** As messages name it: {@code attention.cl [HEAD_DIM=64, KEYS=32]}, or the file alone. */
    @Override
    public String toString() {
        return defines.isEmpty() ? file : file + " " + defines;
    }
}
