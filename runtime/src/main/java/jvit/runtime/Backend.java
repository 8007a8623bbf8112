package jvit.runtime;

import java.util.List;
import java.util.Optional;

/**
 * A family of devices (Java, OpenCL, CUDA, TornadoVM), found with {@link java.util.ServiceLoader}.
 * A backend whose driver is missing reports why instead of failing.
 */
public interface Backend {
    /** The id prefix of its devices: {@code java}, {@code opencl}, {@code cuda}. */
    String name();

    /** The devices present; empty when {@link #unavailable()} says why. */
    List<Device> devices();

    /** Why no device of this backend can be used here, with what to install; empty when it works. */
    Optional<String> unavailable();
}
