package jvit.runtime.cuda;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a CUDA library that is not on the loader's path as a matter of course. NVRTC and cuBLAS
 * come with the CUDA toolkit ({@code /usr/local/cuda*}/lib64), with distribution packages
 * ({@code /usr/lib/*-linux-gnu}) and inside Python wheels ({@code site-packages/nvidia/cuda_nvrtc/lib},
 * {@code nvidia/cublas/lib}, {@code nvidia/cu13/lib} from CUDA 13), which is where a machine with
 * PyTorch has them. An environment variable names the file outright.
 *
 * <p>Places are searched in order, the first that has the library wins, and within a place the
 * highest version. A library's companions (NVRTC's builtins, cuBLAS's cuBLASLt) are found in the
 * same directory, to be loaded first: the library asks the dynamic loader for them by name only.
 *
 * @param name the library as users know it, for messages: {@code libnvrtc.so}
 * @param variable the environment variable that names the file, such as {@code JVIT_NVRTC}
 * @param file file names of the library, such as {@code libnvrtc.so.12}
 * @param companion file names of the libraries it loads by name, such as {@code libnvrtc-builtins.so.12.4}
 * @param places directories to search, in order; a {@code *} matches within one path component
 * @param install what to install when it is missing
 */
record LibrarySearch(String name, String variable, Pattern file, Pattern companion, List<String> places, String install) {
    /** What the search found: the library and its companions, or why there is none. */
    sealed interface Result {}

    record Found(Path library, List<Path> companions) implements Result {}

    record Missing(String reason) implements Result {}

    /** NVRTC, the run-time CUDA C++ compiler: {@code libnvrtc.so.N}, or an older PyTorch's {@code libnvrtc-HASH.so.N}. */
    static LibrarySearch nvrtc(Map<String, String> env) {
        return new LibrarySearch("libnvrtc.so", "JVIT_NVRTC", Pattern.compile("libnvrtc(-[0-9a-f]{8})?\\.so(\\.\\d+)*"),
                Pattern.compile("libnvrtc-builtins\\.so(\\.\\d+)*"), places(env, "cuda_nvrtc"),
                "install the CUDA toolkit or the Python wheel nvidia-cuda-nvrtc");
    }

    /** cuBLAS: {@code libcublas.so.N}, which loads {@code libcublasLt.so.N}. */
    static LibrarySearch cublas(Map<String, String> env) {
        return new LibrarySearch("libcublas.so", "JVIT_CUBLAS", Pattern.compile("libcublas\\.so(\\.\\d+)*"),
                Pattern.compile("libcublasLt\\.so(\\.\\d+)*"), places(env, "cublas"),
                "install the CUDA toolkit or the Python wheel nvidia-cublas");
    }

    /**
     * The loader's path, the CUDA toolkits, the distribution's library directories, then the
     * NVIDIA wheels of every Python environment in the usual places (and old PyTorch wheels,
     * which bundled NVRTC in torch/lib).
     */
    private static List<String> places(Map<String, String> env, String wheel) {
        List<String> places = new ArrayList<>();
        for (String dir : env.getOrDefault("LD_LIBRARY_PATH", "").split(":")) if (!dir.isBlank()) places.add(dir);
        if (env.containsKey("CUDA_HOME")) places.add(env.get("CUDA_HOME") + "/lib64");
        places.addAll(List.of("/usr/local/cuda/lib64", "/usr/local/cuda-*/lib64", "/usr/lib/*-linux-gnu", "/usr/lib64", "/usr/lib"));
        List<String> prefixes = new ArrayList<>();
        for (String variable : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) if (env.containsKey(variable)) prefixes.add(env.get(variable));
        if (env.containsKey("HOME")) prefixes.add(env.get("HOME") + "/.local");
        prefixes.addAll(List.of("/usr/local", "/usr", "/opt/conda"));
        for (String prefix : prefixes) {
            for (String packages : List.of("site-packages", "dist-packages")) {
                String root = prefix + "/lib/python3*/" + packages;
                places.addAll(List.of(root + "/nvidia/" + wheel + "/lib", root + "/nvidia/cu*/lib", root + "/torch/lib"));
            }
        }
        return List.copyOf(places);
    }

    /** A library loaded for the life of the JVM ({@code lookup}), or why it cannot be ({@code problem}). */
    record Loaded(Path path, SymbolLookup lookup, Optional<String> problem) {}

    /** Finds the library and loads it, companions first; one that is found but does not load is a problem too. */
    @SuppressWarnings("restricted") // native access is granted by --enable-native-access (jvit.jvmFlags)
    Loaded load(Map<String, String> env) {
        return switch (find(env)) {
            case Missing m -> new Loaded(null, null, Optional.of(m.reason()));
            case Found f -> {
                try {
                    for (Path c : f.companions()) SymbolLookup.libraryLookup(c, Arena.global());
                    yield new Loaded(f.library(), SymbolLookup.libraryLookup(f.library(), Arena.global()), Optional.empty());
                } catch (IllegalArgumentException e) {
                    yield new Loaded(f.library(), null, Optional.of(f.library() + " does not load (" + e.getMessage()
                            + "); set " + variable + " to another " + name));
                }
            }
        };
    }

    /** The library named by the variable in {@code env}, else the first place's that has it. */
    Result find(Map<String, String> env) {
        String given = env.get(variable);
        if (given != null && !given.isBlank()) {
            Path file = Path.of(given);
            return Files.isRegularFile(file) ? new Found(file, companions(file.toAbsolutePath().getParent()))
                    : new Missing(variable + "=" + given + " is not a file; point it at " + name + " or unset it");
        }
        for (String place : places) {
            for (Path dir : expand(place)) {
                Optional<Path> library = newest(dir, file);
                if (library.isPresent()) return new Found(library.get(), companions(dir));
            }
        }
        return new Missing(name + " was not found on LD_LIBRARY_PATH, in /usr/local/cuda*/lib64, /usr/lib*"
                + " or Python's site-packages/nvidia; " + install + ", or set " + variable + " to the library file");
    }

    private List<Path> companions(Path dir) {
        return newest(dir, companion).stream().toList();
    }

    /** The file in {@code dir} whose name matches, of the highest version ({@code .so.12.4} over {@code .so.12} over {@code .so}). */
    private static Optional<Path> newest(Path dir, Pattern pattern) {
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> pattern.matcher(f.getFileName().toString()).matches())
                    .max(Comparator.comparing(f -> f.getFileName().toString(), LibrarySearch::compareVersions));
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }

    /** Compares the numbers after {@code .so}, component by component; more components is newer. */
    static int compareVersions(String a, String b) {
        int[] x = version(a), y = version(b);
        for (int i = 0; i < Math.min(x.length, y.length); i++) if (x[i] != y[i]) return Integer.compare(x[i], y[i]);
        return Integer.compare(x.length, y.length);
    }

    private static int[] version(String fileName) {
        int at = fileName.lastIndexOf(".so");
        String suffix = fileName.substring(at + 3);
        return suffix.isEmpty() ? new int[0] : Stream.of(suffix.substring(1).split("\\.")).mapToInt(Integer::parseInt).toArray();
    }

    /** The directories a place names: itself, or with each {@code *} component matched against what exists, sorted. */
    static List<Path> expand(String place) {
        List<Path> dirs = List.of(Path.of(place.startsWith("/") ? "/" : "."));
        for (String component : place.split("/")) {
            if (component.isEmpty()) continue;
            List<Path> next = new ArrayList<>();
            for (Path dir : dirs) {
                if (!component.contains("*")) {
                    next.add(dir.resolve(component));
                    continue;
                }
                PathMatcher matcher = dir.getFileSystem().getPathMatcher("glob:" + component);
                try (Stream<Path> children = Files.list(dir)) {
                    children.filter(c -> matcher.matches(c.getFileName()) && Files.isDirectory(c)).sorted().forEach(next::add);
                } catch (IOException absent) {
                    // nothing there
                }
            }
            dirs = next;
        }
        return dirs;
    }
}
