package jvit.bench;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.opencl.OpenCLBackend;
import jvit.vit.Classifier;
import jvit.vit.image.Images;
import jvit.vit.model.Inference;
import jvit.vit.model.ViTModel;

/**
 * One device's side of bench/soak.sh: {@code forwards} executions of one forward graph, then
 * {@code calls} calls of one {@link Classifier} on a folder of images, then {@code loads} times a new
 * Classifier (two graphs loaded, one call, closed), in this one JVM, with the resident memory
 * (VmRSS), the open file descriptors, the Java heap in use after a full collection and the OpenCL
 * objects held sampled every {@code every} iterations.
 * Prints {@code <phase> <iteration> <rss KiB> <fds> <heap used KiB> <OpenCL objects held, per kind>} per
 * sample; the script judges flatness.
 *
 * <p>Usage: {@code Soak DEVICE MODEL_DIR IMAGE_DIR FORWARDS CALLS EVERY [LOADS]}.
 */
public final class Soak {
    private Soak() {}

    public static void main(String[] args) throws IOException {
        Device device = Devices.get(args[0]);
        Path model = Path.of(args[1]);
        List<Path> images = Images.list(List.of(Path.of(args[2])));
        int forwards = Integer.parseInt(args[3]), calls = Integer.parseInt(args[4]), every = Integer.parseInt(args[5]);
        int loads = args.length > 6 ? Integer.parseInt(args[6]) : 0;
        try (ViTModel vit = ViTModel.openDirectory(model)) {
            try (Inference inference = vit.inference(device, 8)) {
                MemorySegment in = inference.images();
                for (long i = 0; i < in.byteSize() / 4; i++) in.setAtIndex(ValueLayout.JAVA_FLOAT, i, (i % 97) / 97f - 0.5f);
                for (int i = 0; i <= forwards; i++) {
                    if (i % every == 0) sample("forward", i);
                    if (i < forwards) inference.run(false);
                }
            }
            try (Classifier classifier = new Classifier(vit, device, 8)) {
                for (int i = 0; i <= calls; i++) {
                    if (i % every == 0) sample("classify", i);
                    if (i < calls) classifier.classify(images, 3, predictions -> {});
                }
            }
            for (int i = 0; i <= loads; i++) {
                if (i % every == 0) sample("load", i);
                if (i < loads) {
                    try (Classifier classifier = new Classifier(vit, device, 8)) {
                        classifier.classify(images, 3, predictions -> {});
                    }
                }
            }
        }
    }

    private static void sample(String phase, int iteration) throws IOException {
        long rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
        long fds;
        try (var list = Files.list(Path.of("/proc/self/fd"))) {
            fds = list.count();
        }
        System.gc(); // what the heap holds, not how much garbage waits
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 10;
        String cl = OpenCLBackend.liveObjects().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(","));
        System.out.printf("%s %d %d %d %d %s%n", phase, iteration, rss, fds, heap, cl);
        System.out.flush();
    }
}
