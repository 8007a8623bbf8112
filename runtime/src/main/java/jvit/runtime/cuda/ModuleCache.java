package jvit.runtime.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jvit.kernels.device.KernelProgram;

/**
 * The kernel modules loaded on one device, each compiled by NVRTC and loaded once per JVM:
 * compiling is the slow part (a second or so per program), loading a graph should not pay it
 * again. Modules live as long as the device's context; callers make that context current.
 */
final class ModuleCache {
    private final CompileTarget target;
    private final Map<KernelProgram, MemorySegment> loaded = new HashMap<>();

    ModuleCache(CompileTarget target) {
        this.target = target;
    }

    synchronized MemorySegment module(KernelProgram program) {
        MemorySegment module = loaded.get(program);
        if (module == null) {
            byte[] image = Nvrtc.compile(program.source(), program.file(), options(target, program), target.cubin());
            module = Cuda.loadModule(image, program.file());
            loaded.put(program, module);
        }
        return module;
    }

    /** NVRTC's options for a program: the target, then its definitions. */
    static List<String> options(CompileTarget target, KernelProgram program) {
        List<String> options = new ArrayList<>();
        options.add(target.option());
        for (String define : program.defines()) options.add("-D" + define);
        return options;
    }
}
