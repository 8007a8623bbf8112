package jvit.vit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import jvit.runtime.Device;
import jvit.runtime.ExecutionResult;
import jvit.runtime.schedule.Deployment;
import jvit.vit.ViTPresets;
import jvit.vit.ViTConfig;
import jvit.vit.benchmark.WarmUp;
import jvit.vit.io.FloatTensor;
import jvit.vit.io.Json;
import jvit.vit.io.Safetensors;
import jvit.vit.model.Inference;
import jvit.vit.hub.ModelLocation;
import jvit.vit.model.ViTModel;
import jvit.vit.report.ForwardPeer;
import jvit.vit.report.LogitCheck;
import jvit.vit.report.NumpyPeer;
import jvit.vit.report.PeerForward;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vit bench model}: forward-pass throughput of a whole ViT on a device, with the time per
 * operator and the process's peak memory. Without a checkpoint, a preset gets random weights,
 * written to a temporary safetensors file and memory-mapped like a real one.
 */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Time the forward pass of a whole model on a device.")
final class ModelBenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true)
    Source source = new Source();

    static final class Source {
        @Option(names = "--preset", defaultValue = "vit_base_patch16_224",
                description = "A preset with random weights: vit_{tiny,small,base,large}_patch{16,32}_{224,384} (default ${DEFAULT-VALUE}).")
        String preset = "vit_base_patch16_224";

        @Option(names = "--model", paramLabel = "DIR|ORG/NAME[@REV]", description = "A model directory, or a Hugging Face Hub model"
                + " (a directory of that name wins), instead of a preset.")
        Path model;
    }

    @Option(names = "--batch", defaultValue = "8", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--peers", split = ",", paramLabel = "P", description = "Peers to time on the same weights and images, their logits"
            + " checked against jvit's: some of numpy, pytorch, onnxruntime (default none).")
    List<String> peers;
    @Option(names = "--rounds", defaultValue = "3", description = "With --peers: rounds of --runs runs, jvit's alternating with each"
            + " peer's (default ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--tasks", description = "Also give the profiled run's time of every task (launch or copy), in order:"
            + " where the time goes, operator by operator.")
    boolean tasks;
    @Mixin
    MeasureOptions measure;
    @Mixin
    PlacementOptions placement;
    @Mixin
    KernelBinaryOption kernelBinary;

    @Override
    public void run() {
        Checks.positive(spec, "--batch", batch);
        Checks.positive(spec, "--rounds", rounds);
        measure.validate();
        List<String> notes = new ArrayList<>();
        List<ForwardPeer> peerList = PeerChoice.find(spec, peers, home(), notes::add).forward();
        Path temp = null;
        try {
            ViTModel model;
            String name;
            if (source.model != null) {
                model = ViTModel.openDirectory(ModelLocation.resolve(source.model));
                name = source.model.toString();
            } else {
                ViTConfig config = ViTPresets.get(source.preset);
                temp = Files.createTempFile("jvit-bench-", ".safetensors");
                RandomWeights.write(config, temp);
                model = ViTModel.open(temp, config);
                name = source.preset + " (random weights)";
            }
            Deployment d = placement.deployment(measure.device, kernelBinary, model.weights(), batch);
            Memory.resetPeaks(); // count what inference needs, not the making of random weights
            try (model; Inference inference = model.inference(d, batch);
                 PeerForward peerForward = peerList.isEmpty() ? null : startPeers(peerList, model, inference, notes)) {
                placement.explain(spec.commandLine().getOut(), inference, d);
                Map<String, Timing> peerTimes = new LinkedHashMap<>();
                Timing t = peerForward == null ? time(inference) : timeWithPeers(inference, peerForward, peerTimes, notes);
                List<LogitCheck> checks = new ArrayList<>();
                for (String peer : peerTimes.keySet()) checks.add(peerForward.check(name, batch, d.first().id(), inference.logits(), peer));
                ExecutionResult profile = inference.run(true);
                Map<String, Double> alone = new LinkedHashMap<>();
                if (d.devices().size() > 1) // the placement against each of its devices on its own
                    for (Device one : d.devices())
                        try (Inference single = model.inference(one, batch)) {
                            alone.put(one.id(), Math.round(batch / time(single).medianSeconds() * 100) / 100.0);
                        }
                report(name, model.config(), d, t, profile, inference.flops(), alone, peerTimes, peerForward, checks, notes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (temp != null) temp.toFile().delete();
        }
    }

    private Timing time(Inference inference) {
        fill(inference.images());
        inference.run(false); // first execution: weights to the device
        return measure.measure(() -> inference.run(false).totalNanos());
    }

    /** The peers over this model's weights (a directory as it is; a preset's random weights written out) and the same images. */
    private PeerForward startPeers(List<ForwardPeer> peerList, ViTModel model, Inference inference, List<String> notes) {
        fill(inference.images());
        return source.model != null ? PeerForward.open(peerList, source.model, model.config(), inference.images(), batch, notes::add)
                : PeerForward.export(peerList, model.config(), model.weights().fileTensors(), inference.images(), batch, notes::add);
    }

    /**
     * jvit warmed up, then {@code --rounds} rounds of {@code --runs} runs each, jvit's then each
     * peer's, so that a slow minute on a shared machine falls on all alike; a failing peer is noted and left out.
     */
    private Timing timeWithPeers(Inference inference, PeerForward peerForward, Map<String, Timing> peerTimes, List<String> notes) {
        peerForward.awaitReady(notes::add);
        inference.run(false);
        WarmUp.run(() -> inference.run(false).totalNanos(), measure.warmup, measure.warmupSeconds);
        List<Long> jvit = new ArrayList<>();
        Map<String, List<Long>> theirs = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < measure.runs; i++) jvit.add(inference.run(false).totalNanos());
            for (var e : List.copyOf(peerForward.sessions().entrySet()))
                try {
                    for (long n : e.getValue().run(measure.runs)) theirs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(n);
                } catch (NumpyPeer.Unavailable failure) {
                    theirs.remove(e.getKey());
                    peerForward.leaveOut(e.getKey(), failure, notes::add);
                }
        }
        theirs.forEach((peer, nanos) -> peerTimes.put(peer, Timing.of(nanos)));
        return Timing.of(jvit);
    }

    private void report(String name, ViTConfig c, Deployment deployment, Timing t, ExecutionResult profile, long flops,
                        Map<String, Double> alone, Map<String, Timing> peerTimes, PeerForward peerForward, List<LogitCheck> checks,
                        List<String> notes) {
        double seconds = t.medianSeconds();
        Device d = deployment.first();
        String ids = deployment.devices().stream().map(Device::id).collect(java.util.stream.Collectors.joining(","));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", name);
        r.put("device", ids);
        r.put("device_name", d.name());
        TornadoRelease.record(r, deployment.devices());
        r.put("schedule", deployment.schedule().id());
        r.put("batch", batch);
        r.put("images_per_s", Math.round(batch / seconds * 100) / 100.0);
        r.put("gflops", Math.round(flops / seconds / 1e7) / 100.0);
        r.put("median_ms", Math.round(seconds * 1e6) / 1e3);
        r.put("min_ms", Math.round(t.minSeconds() * 1e6) / 1e3);
        r.put("max_ms", Math.round(t.maxSeconds() * 1e6) / 1e3);
        r.put("unstable", t.spread() > 0.1);
        r.put("parameters", c.parameters());
        r.put("peak_rss_mib", Memory.peakResidentMiB());
        r.put("peak_heap_mib", Memory.peakHeapMiB());
        Map<String, Object> byOp = new LinkedHashMap<>();
        profile.nanosByKind().forEach((k, v) -> byOp.put(k, Math.round(v / 1e4) / 100.0));
        r.put("profile_ms", byOp);
        if (tasks) r.put("tasks", profile.taskTimes().stream()
                .map(task -> Map.of("task", task.task(), "kind", task.kind(), "ms", task.nanos() / 1e6)).toList());
        if (!alone.isEmpty()) r.put("alone_images_per_s", alone);
        Map<String, Object> peerJson = new LinkedHashMap<>();
        for (LogitCheck check : checks) {
            Timing p = peerTimes.get(check.peer());
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("description", peerForward.sessions().get(check.peer()).description());
            o.put("images_per_s", Math.round(batch / p.medianSeconds() * 100) / 100.0);
            o.put("median_ms", Math.round(p.medianSeconds() * 1e6) / 1e3);
            o.put("jvit_speedup", Math.round(p.medianSeconds() / seconds * 1000) / 1000.0);
            o.put("logits_max_abs_difference", check.maxAbsDifference());
            o.put("logits_agree", check.agrees());
            peerJson.put(check.peer(), o);
        }
        if (peers != null) {
            r.put("peers", peerJson);
            r.put("rounds", rounds);
        }
        if (!notes.isEmpty()) r.put("notes", notes);
        PrintWriter out = spec.commandLine().getOut();
        if (measure.json) {
            out.println(Json.write(r));
            return;
        }
        out.printf("%s, batch %d, on %s (%s)%s%n%s", name, batch, ids, d.name(),
                deployment.devices().size() > 1 ? ", schedule " + deployment.schedule().id() : "", TornadoRelease.line(deployment.devices()));
        out.printf("  %.2f images/s, %.1f GFLOP/s: %.1f ms per batch median (min %.1f, max %.1f, %d runs)%s%n", batch / seconds,
                flops / seconds / 1e9, seconds * 1e3,
                t.minSeconds() * 1e3, t.maxSeconds() * 1e3, t.nanos().length,
                t.spread() > 0.1 ? String.format("  [unstable: spread %.0f%%]", 100 * t.spread()) : "");
        out.printf("  peak memory: %d MiB resident (weights memory-mapped, %d MiB of float32), Java heap peak %d MiB%n",
                Memory.peakResidentMiB(), c.parameters() * 4 >> 20, Memory.peakHeapMiB());
        alone.forEach((id, rate) -> out.printf("  %s alone: %.2f images/s (the placement: %.2fx)%n", id, rate, batch / seconds / rate));
        for (LogitCheck check : checks) {
            Timing p = peerTimes.get(check.peer());
            out.printf(Locale.ROOT, "  %s: %.2f images/s, %.1f ms median; jvit %.2fx; logits %s (largest |difference| %.2g of %.3g)%n",
                    peerForward.sessions().get(check.peer()).description(), batch / p.medianSeconds(), p.medianSeconds() * 1e3,
                    p.medianSeconds() / seconds, check.agrees() ? "agree" : "DISAGREE", check.maxAbsDifference(), check.maxAbsLogit());
        }
        if (peers != null) out.printf("  (%d rounds of %d runs, jvit's alternating with each peer's)%n", rounds, measure.runs);
        notes.forEach(n -> out.println("  " + n));
        out.println("  time by operator (one profiled run): " + profile.nanosByKind().entrySet().stream()
                .map(e -> String.format("%s %.1f ms", e.getKey(), e.getValue() / 1e6)).collect(java.util.stream.Collectors.joining(", ")));
        if (tasks) profile.taskTimes().forEach(task -> out.printf(Locale.ROOT, "    %-40s %-14s %8.3f ms%n", task.task(), task.kind(), task.nanos() / 1e6));
    }

    private static Path home() {
        String home = System.getProperty("jvit.home");
        return home == null ? null : Path.of(home);
    }

    private static void fill(MemorySegment images) {
        SplittableRandom r = new SplittableRandom(1);
        for (long i = 0; i < images.byteSize() / 4; i++) images.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
    }

    /** Peak memory of this process, from Linux and the JVM. */
    static final class Memory {
        static long peakResidentMiB() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                    if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
            } catch (IOException | RuntimeException e) {
                // not Linux
            }
            return -1;
        }

        /** Starts the peaks afresh: Linux's peak resident size (clear_refs 5) and the heap pools' peaks. */
        static void resetPeaks() {
            System.gc();
            try {
                Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            } catch (IOException | RuntimeException e) {
                // not Linux, or not permitted: the peak then covers the whole process
            }
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        }

        static long peakHeapMiB() {
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
                if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
            return peak >> 20;
        }
    }

    /** Random weights for a config, under timm's names, scaled like a freshly initialised model. */
    static final class RandomWeights {
        static void write(ViTConfig c, Path file) {
            int h = c.hidden(), m = c.mlpDim(), p = c.patchSize();
            Map<String, FloatTensor> tensors = new LinkedHashMap<>();
            try (Arena arena = Arena.ofShared()) {
                SplittableRandom r = new SplittableRandom(42);
                put(tensors, arena, r, "patch_embed.proj.weight", 0.02, h, c.channels(), p, p);
                put(tensors, arena, r, "patch_embed.proj.bias", 0.02, h);
                put(tensors, arena, r, "cls_token", 0.02, 1, 1, h);
                put(tensors, arena, r, "pos_embed", 0.02, 1, c.tokens(), h);
                for (int i = 0; i < c.layers(); i++) {
                    String b = "blocks." + i + ".";
                    put(tensors, arena, r, b + "norm1.weight", 1, h);
                    put(tensors, arena, r, b + "norm1.bias", 0.02, h);
                    put(tensors, arena, r, b + "attn.qkv.weight", 0.02, 3 * h, h);
                    if (c.qkvBias()) put(tensors, arena, r, b + "attn.qkv.bias", 0.02, 3 * h);
                    put(tensors, arena, r, b + "attn.proj.weight", 0.02, h, h);
                    put(tensors, arena, r, b + "attn.proj.bias", 0.02, h);
                    put(tensors, arena, r, b + "norm2.weight", 1, h);
                    put(tensors, arena, r, b + "norm2.bias", 0.02, h);
                    put(tensors, arena, r, b + "mlp.fc1.weight", 0.02, m, h);
                    put(tensors, arena, r, b + "mlp.fc1.bias", 0.02, m);
                    put(tensors, arena, r, b + "mlp.fc2.weight", 0.02, h, m);
                    put(tensors, arena, r, b + "mlp.fc2.bias", 0.02, h);
                }
                put(tensors, arena, r, "norm.weight", 1, h);
                put(tensors, arena, r, "norm.bias", 0.02, h);
                put(tensors, arena, r, "head.weight", 0.02, c.numLabels(), h);
                put(tensors, arena, r, "head.bias", 0.02, c.numLabels());
                Safetensors.write(file, tensors, Map.of("format", "pt"));
            }
        }

        /** Scale 1 means "a norm weight": ones plus a little noise; otherwise uniform in ±scale. */
        private static void put(Map<String, FloatTensor> out, Arena arena, SplittableRandom r, String name, double scale, long... shape) {
            long n = FloatTensor.elements(shape);
            MemorySegment s = arena.allocate(4 * n, 64);
            for (long i = 0; i < n; i++) {
                double noise = (r.nextDouble() * 2 - 1) * (scale == 1 ? 0.1 : scale);
                s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (scale == 1 ? 1 + noise : noise));
            }
            out.put(name, new FloatTensor(shape, s));
        }
    }
}
