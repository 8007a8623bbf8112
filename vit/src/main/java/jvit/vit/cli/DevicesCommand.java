package jvit.vit.cli;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import jvit.runtime.Backend;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.schedule.DeviceProfile;
import jvit.runtime.schedule.FastestDevice;
import jvit.runtime.schedule.GraphTimes;
import jvit.runtime.schedule.ProfileCache;
import jvit.vit.DefaultModel;
import jvit.vit.ViTPresets;
import jvit.vit.model.AutoDevice;
import jvit.vit.model.ViTModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vit devices}: every device present and what it can do, and why any backend is missing. */
@Command(name = "devices", mixinStandardHelpOptions = true, description = "List the devices present and what each can do.")
final class DevicesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--profile", description = "Measure each device (matmul GFLOP/s, memory bandwidth, transfer rate, launch"
            + " overhead) and cache the profile the schedulers read (--schedule auto, pipeline, data-parallel); show --device auto's"
            + " pick at batch 8 too, timing it again.")
    boolean profile;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        ProfileCache cache = ProfileCache.standard();
        Map<String, DeviceProfile> measured = new HashMap<>(); // identical devices (PoCL's pthread twice) are measured once
        for (Backend backend : Devices.backends()) {
            if (backend.unavailable().isPresent()) {
                out.println(backend.name() + ": not available: " + backend.unavailable().get());
                continue;
            }
            for (Device d : backend.devices()) {
                out.println(d.id() + "  " + d.name());
                for (Map.Entry<String, String> p : d.properties().entrySet())
                    out.printf("    %-18s %s%n", p.getKey(), p.getValue());
                if (profile) print(out, measured.computeIfAbsent(ProfileCache.key(d), k -> cache.measure(d)), cache);
            }
        }
        List<Device> present = Devices.all();
        if (present.size() < 2) {
            out.println("--device auto: " + Devices.get("auto").id() + " (the only device)");
            return;
        }
        out.println("--device auto picks the device that runs the model fastest, timed once per model shape, batch and device"
                + " (cached in " + ProfileCache.standard().directory().resolveSibling("graph-times") + "):");
        GraphTimes times = profile ? GraphTimes.standard().timedAgain() : GraphTimes.standard();
        List<Integer> batches = profile ? List.of(1, 8) : List.of(1);
        for (int batch : batches) {
            DefaultModel defaults = DefaultModel.find();
            try (ViTModel model = ViTModel.openDirectory(defaults.directory())) {
                printChoice(out, "the default model (" + defaults.directory().getFileName() + ")", batch,
                        AutoDevice.choose(model.weights(), batch, present, times));
            }
        }
        for (int batch : batches)
            printChoice(out, "ViT-B/16 224", batch, AutoDevice.choose(ViTPresets.get("vit_base_patch16_224"), batch, present, times));
    }

    private static void printChoice(PrintWriter out, String model, int batch, FastestDevice.Choice choice) {
        out.printf("    %s, batch %d: %s (%s)%n", model, batch, choice.device().id(), choice.seconds().entrySet().stream()
                .map(e -> e.getKey().id() + " " + (Double.isNaN(e.getValue()) ? "cannot run it" : String.format(Locale.ROOT, "%.2f ms", e.getValue() * 1e3)))
                .collect(Collectors.joining(", ")));
    }

    private static void print(PrintWriter out, DeviceProfile p, ProfileCache cache) {
        out.printf("    %-18s %s GFLOP/s (n = %s)%n", "matmul", p.matmulGflops().values().stream().map(g -> String.format("%.1f", g))
                .collect(Collectors.joining(", ")), p.matmulGflops().keySet().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        out.printf("    %-18s %.1f GB/s%n", "memory bandwidth", p.bandwidthGBs());
        out.printf("    %-18s %.1f GB/s%n", "host transfer", p.transferGBs());
        out.printf("    %-18s %.1f µs%n", "launch overhead", p.launchMicros());
        out.printf("    %-18s %.1f µs%n", "host round trip", p.roundTripMicros());
        out.printf("    %-18s %s%n", "profile cached in", cache.file(p.key()));
    }
}
