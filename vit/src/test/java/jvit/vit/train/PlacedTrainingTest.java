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
import jvit.runtime.Device;
import jvit.vit.DeviceTesting;
import jvit.runtime.Devices;
import jvit.runtime.Tensor;
import jvit.runtime.schedule.Deployment;
import jvit.runtime.schedule.DeviceProfile;
import jvit.runtime.schedule.Placement;
import jvit.runtime.schedule.Schedule;
import jvit.runtime.schedule.StandInDevice;
import jvit.vit.ViTConfig;
import jvit.vit.image.Preprocessing;
import jvit.vit.model.ViTWeights;
import org.junit.jupiter.api.Test;

/**
 * Three training steps over several devices against the same steps on java alone: each step's
 * losses, then every parameter and both AdamW moments, within 1e-4 relative (as a whole tensor:
 * ‖difference‖ / ‖single's‖). Data-parallel over java and opencl:0 (a batch of 5 split 2 + 3); a
 * pipeline over java and opencl:0, and over java and a stand-in for it (a batch of 6 in 3
 * micro-batches of 2, one block per device).
 */
class PlacedTrainingTest {
    private static final ViTConfig CONFIG = ViTConfig.builder().imageSize(20).patchSize(4).channels(3).hidden(36).layers(2)
            .heads(3).mlpDim(52).layerNormEps(1e-6).qkvBias(true).labels(ViTConfig.defaultLabels(7))
            .preprocessing(Preprocessing.huggingFace(20, 3)).build();
    private static final int STEPS = 3;
    /** AdamW's ε 1e-6, as in DeviceTrainingStepTests: with 1e-8 an element whose exact gradient is ~0 steps apart by noise. */
    private static final TrainSettings SETTINGS = new TrainSettings(1, 5, 1e-3, 0, 0, 0.05, 0.9, 0.999, 1e-6, 1, 0.1, 0,
            false, 0, 1, 1);

    private record Trained(List<double[]> losses, Map<String, double[]> state) {}

    @Test
    void dataParallelStepsEqualSingleDeviceSteps() {
        Device java = Devices.get("java"), opencl = DeviceTesting.opencl();
        // opencl:0 profiled twice as fast: it takes 3 images of 5, and does the update.
        Map<Device, DeviceProfile> profiles = Map.of(java, profile(1), opencl, profile(2));
        assertSameAsSingleDevice(new Deployment(List.of(java, opencl), Schedule.DATA_PARALLEL, profiles::get), 5);
    }

    @Test
    void pipelineStepsOverJavaAndOpenCLEqualSingleDeviceSteps() {
        Device java = Devices.get("java"), opencl = DeviceTesting.opencl();
        Map<Device, DeviceProfile> profiles = Map.of(java, profile(1), opencl, profile(1));
        assertSameAsSingleDevice(new Deployment(List.of(java, opencl), Schedule.PIPELINE, profiles::get), 6);
    }

    @Test
    void pipelineStepsOverTwoDevicesEqualSingleDeviceSteps() {
        Device java = Devices.get("java"), other = new StandInDevice(java, "java#2");
        Map<Device, DeviceProfile> profiles = Map.of(java, profile(1), other, profile(1));
        assertSameAsSingleDevice(new Deployment(List.of(java, other), Schedule.PIPELINE, profiles::get), 6);
    }

    @Test
    void aPipelineRunsTheBackwardPassBackThroughTheStages() {
        Device java = Devices.get("java"), other = new StandInDevice(java, "java#2");
        Map<Device, DeviceProfile> profiles = Map.of(java, profile(1), other, profile(1));
        try (Arena arena = Arena.ofShared()) {
            ViTWeights weights = ViTWeights.allocate(CONFIG, arena);
            var io = io(6, arena);
            try (var step = (PipelineStep) TrainingStep.open(weights, new Optimizer(weights, arena), SETTINGS, io,
                    new Deployment(List.of(java, other), Schedule.PIPELINE, profiles::get), arena)) {
                var stages = step.placement().stages();
                assertEquals(List.of(java, other, java), stages.stream().map(Placement.Stage::device).toList(), step.placement().describe());
                assertEquals(List.of("patch_embed", "blocks.0.residual2"), firstAndLast(stages.get(0)));
                assertEquals(List.of("blocks.1.norm1", "blocks.1.residual1.backward"), firstAndLast(stages.get(1)));
                assertEquals(List.of("blocks.0.mlp.fc2.backward.weight", "patch_embed.backward"), firstAndLast(stages.get(2)));
            }
        }
        assertEquals(3, PipelineStep.microBatches(6, 2));
        assertEquals(4, PipelineStep.microBatches(128, 2));
        assertEquals(1, PipelineStep.microBatches(5, 2));
    }

    private static List<String> firstAndLast(Placement.Stage stage) {
        var tasks = stage.graph().tasks();
        return List.of(tasks.getFirst().name(), tasks.getLast().name());
    }

    /** Three steps of {@code batch} images over {@code placed} and on java alone. */
    private static void assertSameAsSingleDevice(Deployment placed, int batch) {
        Random random = random();
        double[][] init = initial(random);
        List<double[]> images = new ArrayList<>(), labels = new ArrayList<>();
        int perImage = CONFIG.channels() * CONFIG.imageSize() * CONFIG.imageSize();
        for (int step = 0; step < STEPS; step++) {
            images.add(roundToFloat(uniform(random, batch * perImage, 2)));
            labels.add(random.ints(batch, 0, CONFIG.numLabels()).asDoubleStream().toArray());
        }
        Trained expected = train(Deployment.single(Devices.get("java")), init, images, labels, batch);
        Trained actual = train(placed, init, images, labels, batch);

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

    private static Trained train(Deployment deployment, double[][] init, List<double[]> images, List<double[]> labels, int batch) {
        try (Arena arena = Arena.ofShared()) {
            ViTWeights weights = ViTWeights.allocate(CONFIG, arena);
            for (int i = 0; i < init.length; i++) weights.all().get(i).host().copyFrom(segment(arena, init[i]));
            Optimizer optimizer = new Optimizer(weights, arena);
            var io = io(batch, arena);
            List<double[]> losses = new ArrayList<>();
            Map<String, double[]> state = new LinkedHashMap<>();
            try (TrainingStep step = TrainingStep.open(weights, optimizer, SETTINGS, io, deployment, arena)) {
                for (int s = 0; s < STEPS; s++) {
                    io.images().host().copyFrom(segment(arena, images.get(s)));
                    io.labels().host().copyFrom(segment(arena, labels.get(s)));
                    int t = s + 1;
                    io.schedule().host().copyFrom(segment(arena, new double[] {SETTINGS.lr(), 1 - Math.pow(SETTINGS.beta1(), t),
                            1 - Math.pow(SETTINGS.beta2(), t)}));
                    io.losses().host().copyFrom(poisoned(arena, batch));
                    step.run();
                    losses.add(toDoubles(io.losses().host(), batch));
                }
                step.copyStateToHost();
                for (Optimizer.Slot s : optimizer.slots())
                    for (Tensor t : List.of(s.param(), s.m(), s.v())) state.put(t.name(), toDoubles(t.host(), (int) t.elements()));
            }
            return new Trained(losses, state);
        }
    }

    private static TrainingGraph.Io io(int batch, Arena arena) {
        int size = CONFIG.imageSize();
        return new TrainingGraph.Io(Tensor.allocate("images", arena, batch, CONFIG.channels(), size, size),
                Tensor.allocate("labels", arena, batch), Tensor.allocate("schedule", arena, 3),
                Tensor.allocate("losses", arena, batch), Tensor.allocate("logits", arena, batch, CONFIG.numLabels()));
    }

    private static DeviceProfile profile(double speed) {
        return new DeviceProfile("test", new TreeMap<>(Map.of(512, speed)), 10, 10, 1, 0);
    }
}
