package jvit.runtime.schedule;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Consumer;
import jvit.runtime.Device;
import jvit.runtime.UserError;

/**
 * What a run over several devices does when one fails ({@code --on-failure}): stop, naming it, or
 * go on without it. One is shared by every plan a command makes from its {@link Deployment}, so a
 * device that failed in one plan is reported once and left out of the plans made after.
 */
public final class Failover {
    private final boolean fallback;
    private final Consumer<String> report;
    private final Set<Device> failed = Collections.newSetFromMap(new IdentityHashMap<>());

    private Failover(boolean fallback, Consumer<String> report) {
        this.fallback = fallback;
        this.report = report;
    }

    /** A failing device stops the run. */
    public static Failover stop() {
        return new Failover(false, line -> {});
    }

    /** A failing device is reported, one line to {@code report}, and the run goes on without it. */
    public static Failover fallback(Consumer<String> report) {
        return new Failover(true, report);
    }

    /** {@code --on-failure fail} or {@code fallback}. */
    public static Failover parse(String onFailure, Consumer<String> report) {
        return switch (onFailure) {
            case "fail" -> stop();
            case "fallback" -> fallback(report);
            default -> throw new UserError("unknown --on-failure '" + onFailure + "'; use fail or fallback");
        };
    }

    boolean failed(Device device) {
        return failed.contains(device);
    }

    /**
     * Called with a failure of one of {@code deployment}'s devices: with fallback and another of its
     * devices still working, reports the failure and leaves the device out from now on; otherwise
     * rethrows it.
     */
    public void recover(DeviceFailure failure, Deployment deployment) {
        if (!fallback || deployment.working().devices().stream().allMatch(d -> d == failure.device())) throw failure;
        if (failed.add(failure.device()))
            report.accept("device " + failure.device().id() + " failed (" + failure.reason() + "); going on without it");
    }
}
