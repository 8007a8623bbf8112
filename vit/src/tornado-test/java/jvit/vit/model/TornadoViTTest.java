package jvit.vit.model;

import static jvit.kernels.Tensors.random;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import jvit.runtime.Device;
import jvit.runtime.Devices;
import jvit.kernels.Op.Activation;
import jvit.runtime.TestDevices;
import jvit.vit.ViTConfig;
import org.junit.jupiter.api.Test;

/**
 * The model suite on the first tornado device, and the default model. A training step and the default model's
 * forward are larger than one TornadoVM task graph holds: they run split across several.
 */
class TornadoViTTest implements ViTDeviceSuite {
    private static final Path DEFAULT_MODEL = Path.of("..", "models", "fashion-mnist").toAbsolutePath().normalize();

    public Device device() {
        return TestDevices.first("tornado");
    }

    /**
     * TornadoVM compiles every kernel of a graph anew, about a minute a model here: one model per naming, 65 tokens
     * (more than one block of query rows and of keys) with head size 16, CLIP-like (quick GELU, pre-norm) with qk-norm,
     * and one channel, 4 patches and DeiT's two prefix tokens.
     */
    @Override
    public List<ViTConfig> forwardConfigs(CheckpointNames naming) {
        ViTConfig clipLike = DeviceForwardTests.wide().toBuilder().activation(Activation.QUICK_GELU).preNorm(true).qkNorm(true).build();
        return List.of(naming == CheckpointNames.TIMM ? clipLike : ForwardTest.distilled());
    }

    /**
     * A training step compiles for about three minutes here: one case, the one that reaches the most kernels (LayerScale,
     * register tokens, positions on the patches only); the other cases' kernels are tested on their own.
     */
    @Override
    @org.junit.jupiter.params.ParameterizedTest(name = "layerScale={0} regTokens={1} noEmbedClass={2} distilled={3} {4} preNorm and qkNorm={5}")
    @org.junit.jupiter.params.provider.CsvSource({"0.5, 2, true, false, GELU, false"})
    public void twoStepsAgreeWithTheJavaDevice(double layerScale, int regTokens, boolean noEmbedClass, boolean distilled,
                                               Activation activation, boolean preAndQkNorm) {
        ViTDeviceSuite.super.twoStepsAgreeWithTheJavaDevice(layerScale, regTokens, noEmbedClass, distilled, activation, preAndQkNorm);
    }

    /** The pooling kernels, forward and backward, are runtime's DeviceSuite's on tornado; each training step here compiles for minutes. */
    @Override
    @org.junit.jupiter.api.Disabled("bin/test's time: the pooling kernels are tested on tornado by runtime's TornadoDeviceTest")
    @org.junit.jupiter.params.ParameterizedTest(name = "layerScale={0} pool={1} classToken={2} regTokens={3}")
    @org.junit.jupiter.params.provider.CsvSource({"0, MAP, true, 0"})
    public void pooledHeadsTrainAsOnTheJavaDevice(double layerScale, ViTConfig.Pool pool, boolean classToken, int regTokens) {}

    @Test
    void theDefaultModelsLogitsAgreeWithTheJavaDevice() {
        Random random = random();
        int batch = 2;
        try (ViTModel model = ViTModel.openDirectory(DEFAULT_MODEL); Arena arena = Arena.ofConfined();
             Inference java = model.inference(Devices.get("java"), batch); Inference onDevice = model.inference(device(), batch)) {
            DeviceForwardTests.assertLogitsAgree(java, onDevice, batch * model.config().numLabels(), random, arena, "default model");
        }
    }
}
