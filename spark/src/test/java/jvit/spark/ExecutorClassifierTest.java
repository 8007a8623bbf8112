package jvit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.runtime.schedule.DeviceFailure;
import jvit.runtime.schedule.StandInDevice;
import jvit.vit.image.Images;
import jvit.vit.image.Preprocessor;
import jvit.vit.model.ViTModel;
import org.junit.jupiter.api.Test;

/** A device failing under an executor's model: fallback to java (same results, one line said), or the failure passed on. */
class ExecutorClassifierTest {
    static final Path MODEL = ImageClassifierTest.MODEL;

    static List<float[]> samples(ViTModel model, int n) {
        List<Path> files = Images.list(List.of(ImageClassifierTest.SAMPLES)).subList(0, n);
        List<float[]> images = new ArrayList<>();
        for (Path f : files) {
            float[] x = new float[model.config().channels() * model.config().imageSize() * model.config().imageSize()];
            Preprocessor.apply(f, model.config().preprocessing(), MemorySegment.ofArray(x), 0);
            images.add(x);
        }
        return images;
    }

    @Test
    void aFailingDeviceFallsBackToJavaWithTheSameResults() {
        try (ViTModel model = ViTModel.openDirectory(MODEL)) {
            List<float[]> images = samples(model, 5);
            Device java = Devices.get("java");
            var alone = new ExecutorClassifier(model, java, line -> {});
            List<ExecutorClassifier.Result> expected = new ArrayList<>(alone.classify(images.subList(0, 4), 4, 3, true));
            expected.addAll(alone.classify(images.subList(4, 5), 4, 3, true));
            List<String> said = new ArrayList<>();
            var flaky = new ExecutorClassifier(model, new StandInDevice(java, "java#flaky", 0), said::add);
            List<ExecutorClassifier.Result> got = flaky.classify(images.subList(0, 4), 4, 3, true);
            got = new ArrayList<>(got);
            got.addAll(flaky.classify(images.subList(4, 5), 4, 3, true));
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(expected.get(i).logits(), got.get(i).logits(), 0f, "image " + i);
                assertEquals(expected.get(i).top(), got.get(i).top());
            }
            assertEquals(1, said.size(), said.toString());
            assertTrue(said.getFirst().startsWith("device java#flaky failed (the device was unplugged); going on with java"), said.getFirst());
        }
    }

    @Test
    void withoutFallbackTheFailureFailsTheTask() {
        try (ViTModel model = ViTModel.openDirectory(MODEL)) {
            var flaky = new ExecutorClassifier(model, new StandInDevice(Devices.get("java"), "java#flaky", 0), line -> {});
            var e = assertThrows(DeviceFailure.class, () -> flaky.classify(samples(model, 2), 2, 1, false));
            assertTrue(e.getMessage().contains("java#flaky"), e.getMessage());
        }
    }
}
