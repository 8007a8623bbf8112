package jvit.vit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.UserError;
import jvit.runtime.schedule.Deployment;
import jvit.runtime.schedule.Schedule;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** {@code --device}, {@code --devices} and {@code --schedule} as a {@link Deployment}, for inference and for training. */
final class DeploymentArguments {
    /** What the devices are for: the schedules it takes, and the one for several devices when none is named. */
    enum Use {
        INFERENCE("inference", Schedule.AUTO, List.of(Schedule.SINGLE, Schedule.AUTO, Schedule.PIPELINE)),
        TRAINING("training", Schedule.DATA_PARALLEL, List.of(Schedule.SINGLE, Schedule.PIPELINE, Schedule.DATA_PARALLEL));

        private final String name;
        private final Schedule forSeveral;
        private final List<Schedule> schedules;

        Use(String name, Schedule forSeveral, List<Schedule> schedules) {
            this.name = name;
            this.forSeveral = forSeveral;
            this.schedules = schedules;
        }
    }

    private DeploymentArguments() {}

    /**
     * {@code devices} under {@code schedule}, else the one {@code device}; {@code prepare} is applied
     * to each device (a kernel binary, say). A {@code device} of {@code auto} is {@code auto}'s
     * answer where there is one (the fastest device for the work), else {@link Devices#get}'s.
     */
    static Deployment parse(CommandSpec spec, String device, List<String> devices, String schedule, Use use, UnaryOperator<Device> prepare,
                            Supplier<Device> auto) {
        if (devices != null && spec.commandLine().getParseResult().hasMatchedOption("--device"))
            throw new ParameterException(spec.commandLine(), "give --device or --devices, not both");
        List<Device> chosen = new ArrayList<>();
        if (devices == null && "auto".equals(device) && auto != null) chosen.add(prepare.apply(auto.get()));
        else for (String id : devices == null ? List.of(device) : devices) chosen.add(prepare.apply(Devices.get(id.strip())));
        Schedule s = schedule != null ? Schedule.parse(schedule) : chosen.size() == 1 ? Schedule.SINGLE : use.forSeveral;
        if (!use.schedules.contains(s))
            throw new UserError("--schedule " + s.id() + " is not for " + use.name + "; use "
                    + use.schedules.stream().map(Schedule::id).collect(Collectors.joining(", ")));
        return Deployment.of(chosen, s);
    }
}
