package jvit.vit;

import java.nio.file.Files;
import java.nio.file.Path;
import jvit.runtime.UserError;

/**
 * The model {@code vit demo}, {@code vit classify} and {@code vit eval} use when none is given: the
 * Fashion-MNIST ViT shipped in {@code models/fashion-mnist}, or, until one is trained, the small
 * random-weight model in {@code models/demo-random}. Found under the jvit home ({@code -Djvit.home},
 * set by {@code bin/vit}).
 */
public record DefaultModel(Path directory, boolean trained) {
    public static DefaultModel find() {
        String home = System.getProperty("jvit.home");
        if (home == null) throw new UserError("no model given and the jvit home is unknown; pass --model DIR (or run through bin/vit)");
        Path models = Path.of(home, "models");
        Path trained = models.resolve("fashion-mnist");
        if (Files.isRegularFile(trained.resolve("model.safetensors"))) return new DefaultModel(trained, true);
        Path random = models.resolve("demo-random");
        if (Files.isRegularFile(random.resolve("model.safetensors"))) return new DefaultModel(random, false);
        throw new UserError(models + ": no default model (fashion-mnist or demo-random) found; pass --model DIR");
    }

    /** The bundled sample images: Fashion-MNIST test images named {@code NNNN-<true class>.png}. */
    public Path samples() {
        return directory.getParent().resolve("samples");
    }
}
