package jvit.runtime.schedule;

import jvit.runtime.Device;
import jvit.runtime.UserError;

/** A stage's device failed while a placement ran: which device, and how many micro-batches had already come out whole. */
public final class DeviceFailure extends UserError {
    private final transient Device device;
    private final int completed;
    private final String reason;

    DeviceFailure(Device device, int completed, Throwable cause) {
        this(device, completed, cause, firstLine(cause));
    }

    private DeviceFailure(Device device, int completed, Throwable cause, String reason) {
        super("device " + device.id() + " failed: " + reason + "; run again without it (see `vit devices`)", cause);
        this.device = device;
        this.completed = completed;
        this.reason = reason;
    }

    /** What the device said, on one line: users see it on one line of stderr. */
    private static String firstLine(Throwable cause) {
        String m = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return m.lines().findFirst().orElse(cause.getClass().getSimpleName()).strip();
    }

    /** The cause's message, its first line. */
    public String reason() { return reason; }

    public Device device() { return device; }

    /** Micro-batches whose results were handed out before the failure (0 to the number asked for). */
    public int completed() { return completed; }
}
