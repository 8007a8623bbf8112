package jvit.vit.cli;

import java.io.PrintWriter;
import java.util.Map;
import jvit.runtime.Backend;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vit devices}: every device present and what it can do, and why any backend is missing. */
@Command(name = "devices", mixinStandardHelpOptions = true, description = "List the devices present and what each can do.")
final class DevicesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        for (Backend backend : Devices.backends()) {
            if (backend.unavailable().isPresent()) {
                out.println(backend.name() + ": not available: " + backend.unavailable().get());
                continue;
            }
            for (Device d : backend.devices()) {
                out.println(d.id() + "  " + d.name());
                for (Map.Entry<String, String> p : d.properties().entrySet())
                    out.printf("    %-18s %s%n", p.getKey(), p.getValue());
            }
        }
        out.println("default (--device auto): " + Devices.get("auto").id());
    }
}
