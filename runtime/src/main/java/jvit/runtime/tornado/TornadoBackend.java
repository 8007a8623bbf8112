package jvit.runtime.tornado;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import jvit.runtime.Backend;
import jvit.runtime.Device;

/**
 * TornadoVM's devices, {@code tornado:D:N} (TornadoVM driver D, device N), when jvit was built
 * against a TornadoVM SDK (the Maven profile {@code tornadovm}) and the JVM runs with TornadoVM's
 * flags. The devices themselves live in the profile's sources, found here by name, so that jvit
 * builds and runs without TornadoVM and says in one line why there is no tornado device.
 */
public final class TornadoBackend implements Backend {
    /** The profile's class that lists TornadoVM's devices; absent from a build without an SDK. */
    private static final String DEVICES = "jvit.runtime.tornado.TornadoDevices";
    private static final String API = "uk.ac.manchester.tornado.api.TornadoRuntime";

    private volatile Discovery discovery;

    private record Discovery(List<Device> devices, Optional<String> unavailable) {}

    public String name() { return "tornado"; }

    public List<Device> devices() { return discovery().devices(); }

    public Optional<String> unavailable() { return discovery().unavailable(); }

    private Discovery discovery() {
        if (discovery == null) {
            synchronized (this) {
                if (discovery == null) discovery = discover();
            }
        }
        return discovery;
    }

    @SuppressWarnings("unchecked")
    private static Discovery discover() {
        ClassLoader loader = TornadoBackend.class.getClassLoader();
        if (!present(DEVICES, loader))
            return unavailable("TornadoVM SDK not found when jvit was built: set TORNADOVM_HOME to a TornadoVM SDK"
                    + " (see README, TornadoVM) and rebuild");
        // The API alone (its jar on the class path) is not TornadoVM: its flags name the runtime to load.
        if (!present(API, loader) || System.getProperty("tornado.load.runtime.implementation") == null)
            return unavailable("TornadoVM is not on this JVM: start it with TornadoVM's flags"
                    + " (java @$TORNADOVM_HOME/tornado-argfile; bin/vit does when TORNADOVM_HOME is set)");
        try {
            List<Device> found = ((Supplier<List<Device>>) Class.forName(DEVICES, true, loader).getConstructor().newInstance()).get();
            if (found.isEmpty()) return unavailable("TornadoVM reports no device (run `tornado --devices`)");
            return new Discovery(List.copyOf(found), Optional.empty());
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            return unavailable("TornadoVM failed to list its devices (" + cause + ")");
        }
    }

    private static boolean present(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static Discovery unavailable(String reason) {
        return new Discovery(List.of(), Optional.of(reason.replace('\n', ' ')));
    }
}
