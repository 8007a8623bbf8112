package jvit.runtime.schedule;

import java.util.Arrays;
import java.util.stream.Collectors;
import jvit.runtime.UserError;

/** How work is spread over several devices ({@code --schedule}). */
public enum Schedule {
    /** One device: today's behaviour. */
    SINGLE("single"),
    /** Each operator where the device profiles say it finishes first, transfers counted. */
    AUTO("auto"),
    /** Consecutive layers per device, in proportion to speed; micro-batches flow through. */
    PIPELINE("pipeline"),
    /** Training: the batch split over the devices, gradients summed, one update. */
    DATA_PARALLEL("data-parallel");

    private final String id;

    Schedule(String id) {
        this.id = id;
    }

    public String id() { return id; }

    public static Schedule parse(String id) {
        for (Schedule s : values()) if (s.id.equals(id)) return s;
        throw new UserError("unknown schedule '" + id + "'; use one of "
                + Arrays.stream(values()).map(Schedule::id).collect(Collectors.joining(", ")));
    }
}
