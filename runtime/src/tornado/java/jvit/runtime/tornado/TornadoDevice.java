package jvit.runtime.tornado;

import java.util.LinkedHashMap;
import java.util.Map;
import jvit.kernels.tornado.TornadoKernels;
import jvit.runtime.Device;
import jvit.runtime.Executable;
import jvit.runtime.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoTargetDevice;

/** One TornadoVM device: jvit's task graphs run on it as TornadoVM task graphs of the kernels in {@code jvit.kernels.tornado}. */
final class TornadoDevice implements Device {
    private final String id;
    private final TornadoBackend driver;
    private final uk.ac.manchester.tornado.api.common.TornadoDevice device;

    TornadoDevice(String id, TornadoBackend driver, uk.ac.manchester.tornado.api.common.TornadoDevice device) {
        this.id = id;
        this.driver = driver;
        this.device = device;
    }

    public String id() { return id; }

    public String name() { return device.getPhysicalDevice().getDeviceName(); }

    public Map<String, String> properties() {
        TornadoTargetDevice physical = device.getPhysicalDevice();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("driver", driver.getName() + " (" + driver.getBackendType() + ")");
        p.put("platform", device.getPlatformName());
        p.put("type", String.valueOf(device.getDeviceType()));
        p.put("compute units", String.valueOf(physical.getDeviceMaxComputeUnits()));
        p.put("global memory", mib(physical.getDeviceGlobalMemorySize()));
        p.put("local memory", physical.getDeviceLocalMemorySize() / 1024 + " KiB");
        p.put("max allocation", mib(physical.getDeviceMaxAllocationSize()));
        p.put("OpenCL C", String.valueOf(device.getDeviceOpenCLCVersion()));
        p.put("TornadoVM", TornadoVersion.describe());
        return p;
    }

    private static String mib(long bytes) { return bytes / (1024 * 1024) + " MiB"; }

    public Executable load(ImmutableTaskGraph graph) { return new TornadoExecutable(this, graph, TornadoKernels::launch); }

    uk.ac.manchester.tornado.api.common.TornadoDevice tornado() { return device; }

    @Override
    public String toString() { return id + " (" + name() + ")"; }
}
