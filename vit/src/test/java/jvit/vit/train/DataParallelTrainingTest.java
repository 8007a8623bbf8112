package jvit.vit.train;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import jvit.runtime.Backend;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.Tensor;
import jvit.runtime.schedule.Deployment;
import jvit.runtime.schedule.DeviceProfile;
import jvit.runtime.schedule.Schedule;
import jvit.vit.ViTConfig;
import jvit.vit.image.Preprocessing;
import jvit.vit.model.ViTWeights;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Three data-parallel steps over java and opencl:0 (the batch of 5 split 2 + 3) against the same
 * steps on java alone: each step's losses, then every parameter and both AdamW moments, within
 * 1e-4 relative (as a whole tensor: ‖difference‖ / ‖single's‖).
 */
class DataParallelTrainingTest {
    private static final ViTConfig CONFIG = new ViTConfig(20, 4, 3, 36, 2, 3, 52, 1e-6, true, ViTConfig.defaultLabels(7),
            Preprocessing.huggingFace(20, 3));
    private static final int BATCH = 5, STEPS = 3;
    private static final TrainSettings SETTINGS = new TrainSettings(1, BATCH, 1e-3, 0, 0, 0.05, 0.9, 0.999, 1e-8, 1, 0.1, 0,
            false, 0, 1, 1);

    private record Trained(List<double[]> losses, Map<String, double[]> state) {}

    @Test
    void dataParallelStepsEqualSingleDeviceSteps() {
        Device java = Devices.get("java"), opencl = openclDevice();
        Random random = random();
        double[][] init = initial(random);
        List<double[]> images = new ArrayList<>(), labels = new ArrayList<>();
        int perImage = CONFIG.channels() * CONFIG.imageSize() * CONFIG.imageSize();
        for (int step = 0; step < STEPS; step++) {
            images.add(roundToFloat(uniform(random, BATCH * perImage, 2)));
            labels.add(random.ints(BATCH, 0, CONFIG.numLabels()).asDoubleStream().toArray());
        }
        // opencl:0 profiled twice as fast: it takes 3 images of 5, and does the update.
        Map<Device, DeviceProfile> profiles = Map.of(java, profile(1), opencl, profile(2));
        Trained expected = train(Deployment.single(java), init, images, labels);
        Trained actual = train(new Deployment(List.of(java, opencl), Schedule.DATA_PARALLEL, profiles::get), init, images, labels);

        for (int step = 0; step < STEPS; step++)
            assertClose("losses of step " + (step + 1) + " " + random, expected.losses().get(step), actual.losses().get(step), 1e-4, 0);
        for (String name : expected.state().keySet()) {
            double[] e = expected.state().get(name), a = actual.state().get(name);
            if (name.matches("(m\\.|v\\.)?blocks\\.\\d+\\.attn\\.qkv\\.bias")) {
                // The key bias's gradient is rounding noise (softmax ignores a constant added to a row of scores), which AdamW
                // turns into steps of up to lr either way: its part is checked against that bound, the moments not at all.
                int h = CONFIG.hidden();
                if (name.startsWith("blocks"))
                    assertClose(name + " (key part) " + random, Arrays.copyOfRange(e, h, 2 * h), Arrays.copyOfRange(a, h, 2 * h), 0,
                            2 * SETTINGS.lr() * STEPS);
                Arrays.fill(e, h, 2 * h, 0);
                Arrays.fill(a, h, 2 * h, 0);
            }
            double diff = 0, norm = 0;
            for (int i = 0; i < e.length; i++) {
                diff += (a[i] - e[i]) * (a[i] - e[i]);
                norm += e[i] * e[i];
            }
            double error = norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
            assertTrue(error <= 1e-4, name + " differs from single-device training by " + error + " " + random);
        }
    }

    private static double[][] initial(Random random) {
        try (Arena arena = Arena.ofConfined()) {
            ViTWeights w = ViTWeights.allocate(CONFIG, arena);
            double[][] values = new double[w.all().size()][];
            for (int i = 0; i < values.length; i++) values[i] = roundToFloat(uniform(random, (int) w.all().get(i).elements(), 0.2));
            return values;
        }
    }

    private static Trained train(Deployment deployment, double[][] init, List<double[]> images, List<double[]> labels) {
        try (Arena arena = Arena.ofShared()) {
            ViTWeights weights = ViTWeights.allocate(CONFIG, arena);
            for (int i = 0; i < init.length; i++) weights.all().get(i).host().copyFrom(segment(arena, init[i]));
            Optimizer optimizer = new Optimizer(weights, arena);
            int size = CONFIG.imageSize();
            var io = new TrainingGraph.Io(Tensor.allocate("images", arena, BATCH, CONFIG.channels(), size, size),
                    Tensor.allocate("labels", arena, BATCH), Tensor.allocate("schedule", arena, 3),
                    Tensor.allocate("losses", arena, BATCH), Tensor.allocate("logits", arena, BATCH, CONFIG.numLabels()));
            List<double[]> losses = new ArrayList<>();
            Map<String, double[]> state = new LinkedHashMap<>();
            try (TrainingStep step = TrainingStep.open(weights, optimizer, SETTINGS, io, deployment, arena)) {
                for (int s = 0; s < STEPS; s++) {
                    io.images().host().copyFrom(segment(arena, images.get(s)));
                    io.labels().host().copyFrom(segment(arena, labels.get(s)));
                    int t = s + 1;
                    io.schedule().host().copyFrom(segment(arena, new double[] {SETTINGS.lr(), 1 - Math.pow(SETTINGS.beta1(), t),
                            1 - Math.pow(SETTINGS.beta2(), t)}));
                    io.losses().host().copyFrom(poisoned(arena, BATCH));
                    step.run();
                    losses.add(toDoubles(io.losses().host(), BATCH));
                }
                step.copyStateToHost();
                for (Optimizer.Slot s : optimizer.slots())
                    for (Tensor t : List.of(s.param(), s.m(), s.v())) state.put(t.name(), toDoubles(t.host(), (int) t.elements()));
            }
            return new Trained(losses, state);
        }
    }

    private static DeviceProfile profile(double speed) {
        return new DeviceProfile("test", new TreeMap<>(Map.of(512, speed)), 10, 10, 1);
    }

    private static Device openclDevice() {
        Backend backend = Devices.backends().stream().filter(b -> b.name().equals("opencl")).findFirst().orElseThrow();
        Assumptions.assumeTrue(backend.unavailable().isEmpty(), () -> "no OpenCL: " + backend.unavailable().orElseThrow());
        return backend.devices().getFirst();
    }
}
