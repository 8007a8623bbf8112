package jvit.vit.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import jvit.runtime.UserError;

/**
 * What {@code --model} names: a local directory (or file) of that name first; else, when the name
 * reads as {@code ORG/NAME[@REVISION]}, that model from the Hugging Face Hub, through its cache;
 * else the path as given, for the model loader to report.
 */
public final class ModelLocation {
    private ModelLocation() {}

    /** The model directory {@code value} names, downloaded from the Hub if need be (settings from the environment). */
    public static Path resolve(Path value) {
        return resolve(value, HubModels::fromEnvironment);
    }

    static Path resolve(Path value, Supplier<HubModels> hub) {
        if (Files.exists(value)) return value;
        Optional<ModelId> id = ModelId.parse(value.toString());
        if (id.isEmpty()) return value;
        try {
            return hub.get().snapshot(id.get());
        } catch (HubError e) {
            // The name may be a mistyped path as well as a Hub id: say both.
            if (e.kind != HubError.Kind.REPO_NOT_FOUND && e.kind != HubError.Kind.UNREACHABLE) throw e;
            throw new UserError(value + ": no such directory, and " + e.getMessage());
        }
    }
}
