package jvit.vit.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.lang.foreign.Arena;

/** .npy files under the fuzzer: a result or a UserError (see {@link FuzzFiles}). */
class NpyFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void npy(byte[] bytes) throws IOException {
        FuzzFiles.asFile("x.npy", bytes, file -> {
            try (Arena arena = Arena.ofConfined()) {
                Npy.read(file, arena);
            }
        });
    }
}
