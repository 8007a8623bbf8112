package jvit.runtime.driver;

import java.util.List;
import java.util.Optional;
import jvit.runtime.Backend;
import jvit.runtime.Device;

/**
 * A backend over a native driver that may be missing: its devices are discovered once, on first
 * use (asking the driver is slow, and may fail), and kept; a backend that found none says why.
 */
public abstract class DriverBackend implements Backend {
    private volatile Discovery discovery;

    /** What discovery found: the devices, or why there are none, in one line. */
    protected record Discovery(List<Device> devices, Optional<String> unavailable) {
        public static Discovery found(List<Device> devices) {
            return new Discovery(List.copyOf(devices), Optional.empty());
        }

        public static Discovery unavailable(String reason) {
            return new Discovery(List.of(), Optional.of(reason.replace('\n', ' ')));
        }
    }

    /** Asks the driver for its devices; called once. */
    protected abstract Discovery discover();

    public final List<Device> devices() { return discovery().devices(); }

    public final Optional<String> unavailable() { return discovery().unavailable(); }

    private Discovery discovery() {
        if (discovery == null) {
            synchronized (this) {
                if (discovery == null) discovery = discover();
            }
        }
        return discovery;
    }
}
