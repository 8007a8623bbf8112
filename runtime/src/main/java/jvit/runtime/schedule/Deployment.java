package jvit.runtime.schedule;

import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import jvit.runtime.Device;
import jvit.runtime.UserError;

/**
 * Where a model runs: the devices, the schedule that spreads work over them, where their profiles
 * come from (the cache, or fixed ones in tests) and what a failing device does to the run.
 */
public record Deployment(List<Device> devices, Schedule schedule, Function<Device, DeviceProfile> profiles, Failover failover) {
    public Deployment {
        devices = List.copyOf(devices);
        if (devices.isEmpty()) throw new IllegalArgumentException("a deployment needs a device");
        var ids = new HashSet<String>();
        for (Device d : devices) if (!ids.add(d.id())) throw new UserError("device " + d.id() + " is named twice; name each device once");
        if (schedule == Schedule.SINGLE && devices.size() > 1)
            throw new UserError("--schedule single runs on one device, not " + devices.size() + "; use auto or pipeline, or name one device");
    }

    /** A failing device stops the run. */
    public Deployment(List<Device> devices, Schedule schedule, Function<Device, DeviceProfile> profiles) {
        this(devices, schedule, profiles, Failover.stop());
    }

    /** One device, as before schedules existed. */
    public static Deployment single(Device device) {
        return new Deployment(List.of(device), Schedule.SINGLE, d -> { throw new IllegalStateException("single needs no profile"); });
    }

    /** Devices with the profiles in the user's cache, measured on first use. */
    public static Deployment of(List<Device> devices, Schedule schedule) {
        ProfileCache cache = ProfileCache.standard();
        return new Deployment(devices, schedule, cache::profile);
    }

    public Deployment withFailover(Failover f) {
        return new Deployment(devices, schedule, profiles, f);
    }

    /** The devices that have not failed, under the same schedule (single when one is left). */
    public Deployment working() {
        List<Device> left = devices.stream().filter(d -> !failover.failed(d)).toList();
        if (left.size() == devices.size()) return this;
        return new Deployment(left, left.size() == 1 ? Schedule.SINGLE : schedule, profiles, failover);
    }

    public Device first() { return devices.getFirst(); }

    /** Each device's profiled speed, in the order of {@link #devices()}. */
    public double[] speeds() {
        return devices.stream().mapToDouble(d -> profiles.apply(d).speed()).toArray();
    }

    /** The device the profiles say is fastest; on a tie the one named first. */
    public Device fastest() {
        double[] speeds = speeds();
        int best = 0;
        for (int i = 1; i < speeds.length; i++) if (speeds[i] > speeds[best]) best = i;
        return devices.get(best);
    }
}
