package jvit.runtime.schedule;

import jvit.runtime.Device;
import jvit.runtime.UserError;

/** A stage's device failed while a placement ran: which device, and how many micro-batches had already come out whole. */
public final class DeviceFailure extends UserError {
    private final transient Device device;
    private final int completed;

    DeviceFailure(Device device, int completed, Throwable cause) {
        super("device " + device.id() + " failed: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage())
                + "; run again without it (see `vit devices`)", cause);
        this.device = device;
        this.completed = completed;
    }

    public Device device() { return device; }

    /** Micro-batches whose results were handed out before the failure (0 to the number asked for). */
    public int completed() { return completed; }
}
