package jvit.vit.model;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jvit.runtime.Device;
import jvit.runtime.Tensor;
import jvit.runtime.UserError;
import jvit.runtime.schedule.Deployment;
import jvit.vit.ModelConfigs;
import jvit.vit.ViTConfig;
import jvit.vit.io.SafetensorsCheckpoint;

/**
 * A ViT checkpoint opened for use: its config and its weights, memory-mapped from the safetensors
 * file, or from the shards its {@code .index.json} lists (float32 tensors are read where they lie,
 * never copied per call). Open {@link Inference}s on devices from it; close it to unmap the files.
 */
public final class ViTModel implements AutoCloseable {
    /** The files of a model directory, as Hugging Face and {@code vit train} lay them out. */
    public static final String CONFIG = "config.json", WEIGHTS = "model.safetensors",
            WEIGHTS_INDEX = WEIGHTS + SafetensorsCheckpoint.INDEX_SUFFIX;

    private final Arena arena = Arena.ofShared();
    private final ViTWeights weights;

    private ViTModel(Path weightsFile, ViTConfig config) {
        SafetensorsCheckpoint opened = SafetensorsCheckpoint.open(weightsFile, arena);
        try {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String name : opened.names()) tensors.put(name, Tensor.of(name, opened.floats(name), opened.shape(name)));
            this.weights = ViTWeights.from(config, tensors, weightsFile, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** A model from a weights file and a config already read. */
    public static ViTModel open(Path weightsFile, ViTConfig config) {
        return new ViTModel(weightsFile, config);
    }

    /** A model from a weights file (or a sharded checkpoint's index) and a config file ({@code config.json}, HF or timm). */
    public static ViTModel open(Path weightsFile, Path configFile) {
        return new ViTModel(weightsFile, ModelConfigs.read(configFile));
    }

    /** A model directory holding {@code config.json} and {@code model.safetensors}, or its shards and their index. */
    public static ViTModel openDirectory(Path dir) {
        if (!Files.isDirectory(dir)) throw UserError.inFile(dir, "is not a model directory; give a directory with " + CONFIG + " and " + WEIGHTS);
        // As transformers does: the single file where there is one, else the sharded checkpoint's index.
        Path weights = Files.isRegularFile(dir.resolve(WEIGHTS)) || !Files.isRegularFile(dir.resolve(WEIGHTS_INDEX))
                ? dir.resolve(WEIGHTS) : dir.resolve(WEIGHTS_INDEX);
        for (Path file : new Path[] {dir.resolve(CONFIG), weights})
            if (!Files.isRegularFile(file))
                throw UserError.inFile(dir, "has no " + file.getFileName() + "; a model directory holds " + CONFIG + " and " + WEIGHTS
                        + " (or " + WEIGHTS_INDEX + " and its shards; or give --weights and --config)");
        return open(weights, dir.resolve(CONFIG));
    }

    public ViTConfig config() { return weights.config(); }

    public ViTWeights weights() { return weights; }

    /** The model on {@code device}, for batches of up to {@code batch} images. */
    public Inference inference(Device device, int batch) {
        return new Inference(weights, device, batch);
    }

    /** The model over a deployment's devices, for batches of up to {@code batch} images. */
    public Inference inference(Deployment deployment, int batch) {
        return new Inference(weights, deployment, batch);
    }

    @Override
    public void close() {
        arena.close();
    }
}
