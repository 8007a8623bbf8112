package jvit.runtime.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.Optional;

/**
 * Finds the CUDA driver, {@code libcuda.so.1}, which the NVIDIA driver installs on the loader's
 * path; {@code JVIT_CUDA_DRIVER} may name the file instead (tornado-env.sh sets it from ldconfig).
 * Its absence makes the backend unavailable, not the program fail.
 */
final class DriverLibrary {
    static final String NAME = "libcuda.so.1", VARIABLE = "JVIT_CUDA_DRIVER";
    private static final String FILE = file();
    private static final SymbolLookup LOOKUP = find();

    private DriverLibrary() {}

    private static String file() {
        String given = System.getenv(VARIABLE);
        return given == null || given.isBlank() ? NAME : given;
    }

    @SuppressWarnings("restricted") // native access is granted by --enable-native-access (jvit.jvmFlags)
    private static SymbolLookup find() {
        try {
            return SymbolLookup.libraryLookup(FILE, Arena.global());
        } catch (IllegalArgumentException notFound) {
            return null;
        }
    }

    /** Why the driver cannot be used here, with what to install; empty when the library loaded. */
    static Optional<String> problem() {
        if (LOOKUP != null) return Optional.empty();
        if (!FILE.equals(NAME)) return Optional.of(VARIABLE + "=" + FILE + " does not load; point it at libcuda.so.1 or unset it");
        return Optional.of(NAME + " (the NVIDIA driver) is not installed; CUDA needs an NVIDIA GPU and its driver");
    }

    /** The library's symbols; only after {@link #problem()} was empty. */
    static SymbolLookup lookup() {
        if (LOOKUP == null) throw new IllegalStateException(problem().orElseThrow());
        return LOOKUP;
    }
}
