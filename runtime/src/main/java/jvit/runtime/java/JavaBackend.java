package jvit.runtime.java;

import java.util.List;
import java.util.Optional;
import jvit.runtime.Backend;
import jvit.runtime.Device;

/** The Java CPU kernels: always present, and the reference every other backend is checked against. */
public final class JavaBackend implements Backend {
    private static final Device DEVICE = new JavaDevice();

    public String name() { return "java"; }

    public List<Device> devices() { return List.of(DEVICE); }

    public Optional<String> unavailable() { return Optional.empty(); }
}
