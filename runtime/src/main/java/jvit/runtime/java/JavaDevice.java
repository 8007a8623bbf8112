package jvit.runtime.java;

import java.util.LinkedHashMap;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jvit.kernels.cpu.Parallel;
import jvit.runtime.Device;
import jvit.runtime.Executable;
import jvit.runtime.ImmutableTaskGraph;

/** The CPU, through the Java kernels (Vector API, all cores). Device memory is host memory. */
final class JavaDevice implements Device {
    public String id() { return "java"; }

    public String name() {
        return CpuInfo.modelName() + " (Java Vector API)";
    }

    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("type", "CPU");
        p.put("vendor", System.getProperty("java.vm.vendor"));
        p.put("threads", Integer.toString(Parallel.THREADS));
        p.put("vector", FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit (" + FloatVector.SPECIES_PREFERRED.length() + " floats)");
        p.put("memory", CpuInfo.memory());
        p.put("jdk", Runtime.version().toString());
        return p;
    }

    public Executable load(ImmutableTaskGraph graph) {
        return new JavaExecutable(graph);
    }
}
