package jvit.runtime.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding NVRTC and cuBLAS where toolkits, distributions and Python wheels put them, and saying where it looked. */
class LibrarySearchTest {
    @TempDir
    Path root;

    private Path touch(String relative) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.createFile(file);
    }

    /** The search's places under the test's root only, so that a library installed on this machine does not interfere. */
    private LibrarySearch underRoot(LibrarySearch search) {
        return new LibrarySearch(search.name(), search.variable(), search.file(), search.companion(),
                search.places().stream().filter(p -> p.startsWith(root.toString())).toList(), search.install());
    }

    @Test
    void nvrtcIsFoundInAVirtualEnvironmentsTorchWheelsWithItsBuiltins() throws IOException {
        String lib = "venv/lib/python3.11/site-packages/nvidia/cuda_nvrtc/lib/";
        Path nvrtc = touch(lib + "libnvrtc.so.12");
        touch(lib + "libnvrtc.so.11");
        Path builtins = touch(lib + "libnvrtc-builtins.so.12.4");
        touch(lib + "libnvrtc-builtins.so.11.8");
        var found = underRoot(LibrarySearch.nvrtc(Map.of("VIRTUAL_ENV", root.resolve("venv").toString()))).find(Map.of());
        assertEquals(new LibrarySearch.Found(nvrtc, List.of(builtins)), found);
    }

    @Test
    void cublasIsFoundInTheCuda13WheelLayoutWithCublasLt() throws IOException {
        String lib = "conda/lib/python3.12/site-packages/nvidia/cu13/lib/";
        Path cublas = touch(lib + "libcublas.so.13");
        Path lt = touch(lib + "libcublasLt.so.13");
        var found = underRoot(LibrarySearch.cublas(Map.of("CONDA_PREFIX", root.resolve("conda").toString()))).find(Map.of());
        assertEquals(new LibrarySearch.Found(cublas, List.of(lt)), found);
    }

    @Test
    void theLoadersPathComesFirstAndOldTorchHashedNamesCount() throws IOException {
        touch("venv/lib/python3.10/site-packages/nvidia/cuda_nvrtc/lib/libnvrtc.so.12");
        Path bundled = touch("path/libnvrtc-672ee683.so.11.2");
        Map<String, String> env = Map.of("LD_LIBRARY_PATH", "/nonexistent:" + root.resolve("path"), "VIRTUAL_ENV", root.resolve("venv").toString());
        assertEquals(new LibrarySearch.Found(bundled, List.of()), underRoot(LibrarySearch.nvrtc(env)).find(Map.of()));
    }

    @Test
    void theVariableNamesTheFileOutright() throws IOException {
        Path nvrtc = touch("anywhere/libnvrtc.so.13");
        Path builtins = touch("anywhere/libnvrtc-builtins.so.13.0");
        var search = LibrarySearch.nvrtc(Map.of());
        assertEquals(new LibrarySearch.Found(nvrtc, List.of(builtins)), search.find(Map.of("JVIT_NVRTC", nvrtc.toString())));
        var missing = assertInstanceOf(LibrarySearch.Missing.class, search.find(Map.of("JVIT_NVRTC", "/no/such/libnvrtc.so")));
        assertEquals("JVIT_NVRTC=/no/such/libnvrtc.so is not a file; point it at libnvrtc.so or unset it", missing.reason());
    }

    @Test
    void aMissingLibrarySaysWhereItLookedAndWhatToDoInOneLine() {
        var search = underRoot(LibrarySearch.cublas(Map.of("HOME", root.toString())));
        var missing = assertInstanceOf(LibrarySearch.Missing.class, search.find(Map.of()));
        assertEquals("libcublas.so was not found on LD_LIBRARY_PATH, in /usr/local/cuda*/lib64, /usr/lib* or Python's"
                + " site-packages/nvidia; install the CUDA toolkit or the Python wheel nvidia-cublas, or set JVIT_CUBLAS to the library file", missing.reason());
        var loaded = search.load(Map.of());
        assertEquals(missing.reason(), loaded.problem().orElseThrow());
    }

    /** An executable in the library's place (an ELF file, so the JVM does not warn about its stack) fails to load. */
    @Test
    void aFileThatIsNoLibraryIsAProblemNotACrash() throws IOException {
        Path fake = root.resolve("fake/libnvrtc.so.12");
        Files.createDirectories(fake.getParent());
        Files.copy(Path.of("/bin/true"), fake);
        var loaded = LibrarySearch.nvrtc(Map.of()).load(Map.of("JVIT_NVRTC", fake.toString()));
        assertTrue(loaded.problem().orElseThrow().startsWith(fake + " does not load ("), loaded.problem().get());
        assertTrue(loaded.problem().get().endsWith("; set JVIT_NVRTC to another libnvrtc.so"), loaded.problem().get());
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(LibrarySearch.compareVersions("libnvrtc.so.12.10", "libnvrtc.so.12.9") > 0);
        assertTrue(LibrarySearch.compareVersions("libnvrtc.so.12", "libnvrtc.so") > 0);
        assertTrue(LibrarySearch.compareVersions("libnvrtc.so.12.4", "libnvrtc.so.12") > 0);
        assertEquals(0, LibrarySearch.compareVersions("libcublas.so.13", "libcublas.so.13"));
    }

    @Test
    void placesWithStarsExpandToWhatExists() throws IOException {
        Files.createDirectories(root.resolve("cuda-12.4/lib64"));
        Files.createDirectories(root.resolve("cuda-13.0/lib64"));
        Files.createDirectories(root.resolve("other/lib64"));
        assertEquals(List.of(root.resolve("cuda-12.4/lib64"), root.resolve("cuda-13.0/lib64")),
                LibrarySearch.expand(root + "/cuda-*/lib64").stream().filter(Files::isDirectory).toList());
    }
}
