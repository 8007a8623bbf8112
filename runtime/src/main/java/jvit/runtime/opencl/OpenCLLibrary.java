package jvit.runtime.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.Optional;

/** Finds the OpenCL ICD loader, {@code libOpenCL.so.1}; its absence makes the backend unavailable, not the program fail. */
final class OpenCLLibrary {
    static final String NAME = "libOpenCL.so.1";
    private static final SymbolLookup LOOKUP = find();

    private OpenCLLibrary() {}

    @SuppressWarnings("restricted") // native access is granted by --enable-native-access (jvit.jvmFlags)
    private static SymbolLookup find() {
        try {
            return SymbolLookup.libraryLookup(NAME, Arena.global());
        } catch (IllegalArgumentException notFound) {
            return null;
        }
    }

    /** Why OpenCL cannot be used here, with what to install; empty when the library is present. */
    static Optional<String> problem() {
        return LOOKUP != null ? Optional.empty()
                : Optional.of(NAME + " is not installed; apt-get install pocl-opencl-icd (OpenCL on the CPU) or a GPU vendor's OpenCL driver");
    }

    /** The library's symbols; only after {@link #problem()} was empty. */
    static SymbolLookup lookup() {
        if (LOOKUP == null) throw new IllegalStateException(problem().orElseThrow());
        return LOOKUP;
    }
}
