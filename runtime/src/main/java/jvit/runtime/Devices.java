package jvit.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The backends and devices present on this machine, and choosing one by id. */
public final class Devices {
    private static volatile List<Backend> backends;

    private Devices() {}

    /** Every backend found, present or not, in discovery order. */
    public static List<Backend> backends() {
        if (backends == null) {
            synchronized (Devices.class) {
                if (backends == null) {
                    List<Backend> found = new ArrayList<>();
                    ServiceLoader.load(Backend.class).forEach(found::add);
                    backends = List.copyOf(found);
                }
            }
        }
        return backends;
    }

    /** Every device present. */
    public static List<Device> all() {
        return backends().stream().flatMap(b -> b.devices().stream()).toList();
    }

    /**
     * The device with this id, or for {@code auto} the one expected to be fastest: a CUDA GPU,
     * then an OpenCL GPU, then the Java CPU kernels (a command that runs a model times it on each
     * device instead: {@code jvit.vit.model.AutoDevice}).
     */
    public static Device get(String id) {
        if (id == null || id.equals("auto")) {
            List<Device> all = all();
            return all.stream().filter(d -> d.id().startsWith("cuda:")).findFirst()
                    .or(() -> all.stream().filter(d -> d.id().startsWith("opencl:")
                            && "GPU".equals(d.properties().get("type"))).findFirst())
                    .or(() -> all.stream().filter(d -> d.id().equals("java")).findFirst())
                    .orElseThrow(() -> new UserError("no device is present; run `vit devices` to see why"));
        }
        String prefix = id.contains(":") ? id.substring(0, id.indexOf(':')) : id;
        // Only the named backend is asked for its devices: discovering the others (loading an
        // OpenCL platform's compiler, say) is start-up time a run on this device does not need.
        for (Backend b : backends())
            if (b.name().equals(prefix)) {
                for (Device d : b.devices()) if (d.id().equals(id)) return d;
                if (b.unavailable().isPresent()) throw new UserError("device " + id + " is not available: " + b.unavailable().get());
            }
        List<Device> all = all();
        throw new UserError("no device '" + id + "'; present: "
                + all.stream().map(Device::id).collect(Collectors.joining(", ")) + " (see `vit devices`)");
    }
}
